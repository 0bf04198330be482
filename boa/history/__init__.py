"""Access history: the facts of the access decision as they were (issue 21).

The database keeps the history (``fact_history``, written by triggers: migration 0020); this
package reads it: the facts as of a moment (:mod:`boa.history.asof`, the same shapes the live
loaders give, for the same :func:`boa.kernel.access.decide`), the replayed decision
(:mod:`boa.history.replay`)."""
