"""Backends: the language models that actually answer (HTTP, local llama.cpp, mock).

The HTTP and local backends import their heavy dependencies (``openai``, ``llama_cpp``)
lazily, so importing this package is cheap.
"""

from socium.llm.backends.local import (
    DEFAULT_LOCAL_MODEL,
    LocalLlamaModel,
    LocalModelUnavailable,
    default_model_path,
    local_backend_available,
)
from socium.llm.backends.mock import MockLanguageModel, MockMode, mock_text
from socium.llm.backends.openai_compat import DEFAULT_REMOTE_MODEL, Endpoint, OpenAICompatModel

__all__ = [
    "DEFAULT_LOCAL_MODEL",
    "DEFAULT_REMOTE_MODEL",
    "Endpoint",
    "LocalLlamaModel",
    "LocalModelUnavailable",
    "MockLanguageModel",
    "MockMode",
    "OpenAICompatModel",
    "default_model_path",
    "local_backend_available",
    "mock_text",
]
