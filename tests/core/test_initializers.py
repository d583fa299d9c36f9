import numpy as np
import pandas as pd
import pytest

from socium.core.initializers import read_per_agent_file


def test_id_value_csv_any_order(tmp_path):
    p = tmp_path / "x.csv"
    pd.DataFrame({"id": [2, 0, 1], "value": [0.2, 0.0, 0.1]}).to_csv(p, index=False)
    assert np.allclose(read_per_agent_file(p, 3), [0.0, 0.1, 0.2])


def test_single_column_without_header(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("0.5\n0.25\n0.75\n")
    assert np.allclose(read_per_agent_file(p, 3), [0.5, 0.25, 0.75])


def test_parquet(tmp_path):
    p = tmp_path / "x.parquet"
    pd.DataFrame({"value": [1.0, 2.0]}).to_parquet(p)
    assert np.allclose(read_per_agent_file(p, 2), [1.0, 2.0])


def test_wrong_length(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("value\n1\n2\n")
    with pytest.raises(ValueError, match="has 2 values but the population has 3"):
        read_per_agent_file(p, 3)


def test_duplicate_ids(tmp_path):
    p = tmp_path / "x.csv"
    pd.DataFrame({"id": [0, 0], "value": [1, 2]}).to_csv(p, index=False)
    with pytest.raises(ValueError, match="exactly once"):
        read_per_agent_file(p, 2)


def test_relative_path_uses_base_dir(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.csv").write_text("value\n3\n")
    assert read_per_agent_file("x.csv", 1, base_dir=tmp_path / "d")[0] == 3
