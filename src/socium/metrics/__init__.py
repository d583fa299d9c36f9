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

__all__ = [
    "active_link_density",
    "bimodality_coefficient",
    "cascade_depth",
    "cascade_size",
    "cascade_trees",
    "cluster_count",
    "clustering_coefficient",
    "consensus",
    "degree_assortativity",
    "degree_stats",
    "disagreement",
    "esteban_ray",
    "friendship_paradox",
    "generation",
    "gini",
    "max_abs_change",
    "max_breadth",
    "mean_abs_change",
    "opinion_clusters",
    "polarization_summary",
    "spread_curve",
    "state_fractions",
    "structural_virality",
    "variance",
]
