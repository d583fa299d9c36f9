"""Pure, vectorized metrics of group dynamics.

Submodules by topic:

* :mod:`socium.metrics.network`: friendship paradox, degree assortativity, degree statistics,
  transitivity;
* :mod:`socium.metrics.opinion`: opinion clusters, consensus, state fractions, convergence,
  disagreement, active link density;
* :mod:`socium.metrics.polarization`: variance, Gini, bimodality coefficient, Esteban-Ray
  index, cluster count and a summary;
* :mod:`socium.metrics.cascades`: cascade size, depth, breadth, spread curve, trees and
  structural virality.
* :mod:`socium.metrics.social`: echo chambers, consumption entropy, extremity, the herd
  effect, the friendship paradox by any attribute, and many-cascade summaries.
* :mod:`socium.metrics.text`: ROUGE-L, embedding similarity, on-topic rate, message lengths.

Every function is re-exported here, e.g. ``socium.metrics.friendship_paradox(graph)``.
"""

from socium.metrics.cascades import (
    cascade_depth,
    cascade_size,
    cascade_trees,
    generation,
    max_breadth,
    spread_curve,
    structural_virality,
)
from socium.metrics.network import (
    clustering_coefficient,
    degree_assortativity,
    degree_stats,
    friendship_paradox,
)
from socium.metrics.opinion import (
    active_link_density,
    consensus,
    disagreement,
    max_abs_change,
    mean_abs_change,
    opinion_clusters,
    state_fractions,
)
from socium.metrics.polarization import (
    bimodality_coefficient,
    cluster_count,
    esteban_ray,
    gini,
    polarization_summary,
    variance,
)
from socium.metrics.social import (
    cascade_stats,
    cascade_summary,
    ccdf,
    consumption_entropy,
    echo_chamber_share,
    echo_chamber_share_by_user,
    extremity,
    friendship_paradox_by,
    herd_effect,
    topic_entropy,
)
from socium.metrics.text import (
    lcs_length,
    mean_pairwise_similarity,
    message_length,
    on_topic_rate,
    rouge_l,
)

__all__ = [
    "active_link_density",
    "bimodality_coefficient",
    "cascade_depth",
    "cascade_size",
    "cascade_stats",
    "cascade_summary",
    "cascade_trees",
    "ccdf",
    "cluster_count",
    "clustering_coefficient",
    "consensus",
    "consumption_entropy",
    "degree_assortativity",
    "degree_stats",
    "disagreement",
    "echo_chamber_share",
    "echo_chamber_share_by_user",
    "esteban_ray",
    "extremity",
    "friendship_paradox",
    "friendship_paradox_by",
    "generation",
    "gini",
    "herd_effect",
    "lcs_length",
    "max_abs_change",
    "max_breadth",
    "mean_abs_change",
    "mean_pairwise_similarity",
    "message_length",
    "on_topic_rate",
    "opinion_clusters",
    "polarization_summary",
    "rouge_l",
    "spread_curve",
    "state_fractions",
    "structural_virality",
    "topic_entropy",
    "variance",
]
