"""Erlang C staffing maths for Module 3: how many agents a half-hour of calls needs.

Erlang C models an M/M/c queue: calls arrive at random (Poisson), handle times are exponential,
nobody hangs up while waiting, and a waiting call is answered by the first free agent. From the
*traffic intensity* A = calls x AHT / interval (in Erlangs, i.e. agents kept busy on average) and a
number of agents N > A it gives the probability that a caller waits, the service level (share of
calls answered within a target time), the average speed of answer (ASA) and occupancy. The
smallest N that reaches a service-level target is the number of agents *needed*; dividing by
(1 - shrinkage) gives the number to *schedule*. The results are checked in
``tests/test_staffing.py`` against two published worked examples, against pyworkforce, and
against a discrete-event simulation of the same queue with ciw.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

__all__ = ["traffic_intensity", "prob_wait", "service_level", "asa", "occupancy",
           "agents_needed", "scheduled_staff", "Staffing", "staffing", "staffing_table"]


def _positive(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be greater than 0, got {value!r}")
    return float(value)


def _agents(agents: int) -> int:
    if isinstance(agents, bool) or not isinstance(agents, numbers.Integral) or agents < 1:
        raise ValueError(f"agents must be a whole number of at least 1, got {agents!r}")
    return int(agents)


def traffic_intensity(calls: float, aht_s: float, interval_s: float = 1800) -> float:
    """Workload in Erlangs: the average number of agents kept busy by ``calls`` per interval."""
    if isinstance(calls, bool) or not isinstance(calls, numbers.Real) or calls < 0:
        raise ValueError(f"calls must be a number of calls (0 or more), got {calls!r}")
    return float(calls) * _positive("aht_s", aht_s) / _positive("interval_s", interval_s)


def prob_wait(agents: int, traffic: float) -> float:
    """Erlang C: the probability that a call has to wait (1.0 when agents <= traffic).

    Computed through the Erlang B recursion B(k) = A*B(k-1) / (k + A*B(k-1)), which stays
    accurate for hundreds of agents where A**N / N! would overflow.
    """
    n = _agents(agents)
    if traffic < 0:
        raise ValueError(f"traffic must be 0 or more Erlangs, got {traffic!r}")
    if traffic == 0:
        return 0.0
    if n <= traffic:
        return 1.0  # the queue grows without limit: every call waits
    b = 1.0
    for k in range(1, n + 1):
        b = traffic * b / (k + traffic * b)
    return n * b / (n - traffic * (1 - b))


def service_level(agents: int, traffic: float, aht_s: float, target_s: float) -> float:
    """Share of calls (0..1) answered within ``target_s`` seconds: 1 - Pw * e^-(N-A) t / AHT."""
    n = _agents(agents)
    aht = _positive("aht_s", aht_s)
    if target_s < 0:
        raise ValueError(f"target_s must be 0 seconds or more, got {target_s!r}")
    if n <= traffic:
        return 0.0
    return 1.0 - prob_wait(n, traffic) * math.exp(-(n - traffic) * target_s / aht)


def asa(agents: int, traffic: float, aht_s: float) -> float:
    """Average speed of answer in seconds over all calls: Pw * AHT / (N - A); inf if N <= A."""
    n = _agents(agents)
    aht = _positive("aht_s", aht_s)
    if n <= traffic:
        return math.inf
    return prob_wait(n, traffic) * aht / (n - traffic)


def occupancy(agents: int, traffic: float) -> float:
    """Share of logged-in time agents spend handling calls: A / N (capped at 1)."""
    return min(1.0, traffic / _agents(agents))


def agents_needed(calls: float, aht_s: float, target_sl: float = 0.8, target_s: float = 20,
                  interval_s: float = 1800, max_occupancy: float | None = None) -> int:
    """Smallest number of agents whose service level reaches ``target_sl`` (e.g. 80/20).

    The search starts at the smallest whole number *above* the traffic (the queue is only
    stable there), not one agent later. ``max_occupancy`` (e.g. 0.85) optionally adds agents
    until occupancy is at or below it. Zero calls need zero agents.
    """
    if not 0 < target_sl < 1:
        raise ValueError(f"target_sl is a share between 0 and 1 (0.8 for 80%), got {target_sl!r}")
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise ValueError(f"max_occupancy is a share between 0 and 1, got {max_occupancy!r}")
    a = traffic_intensity(calls, aht_s, interval_s)
    if a == 0:
        return 0
    n = math.floor(a) + 1
    while service_level(n, a, aht_s, target_s) < target_sl:
        n += 1
    if max_occupancy is not None:
        while a / n > max_occupancy + 1e-12:
            n += 1
    return n


def scheduled_staff(required: float, shrinkage: float) -> int:
    """Agents to schedule so that ``required`` are really on the phones: ceil(required / (1 - s)).

    Shrinkage is the share of paid time agents are not available for calls (breaks, meetings,
    training, absence), e.g. 0.3 for 30%.
    """
    if isinstance(shrinkage, bool) or not isinstance(shrinkage, numbers.Real) or not 0 <= shrinkage < 1:
        raise ValueError(f"shrinkage is a share from 0 up to (not including) 1, e.g. 0.3 for 30%; "
                         f"got {shrinkage!r}")
    if required < 0:
        raise ValueError(f"required must be 0 or more agents, got {required!r}")
    # Round away float noise first: 14 / 0.7 is 20.000000000000004, which is 20 agents, not 21.
    return math.ceil(round(required / (1 - shrinkage), 9))


@dataclass(frozen=True)
class Staffing:
    """What one number of agents gives for one interval's calls."""

    agents: int
    traffic: float
    prob_wait: float
    service_level: float
    asa_s: float
    occupancy: float


def staffing(agents: int, calls: float, aht_s: float, target_s: float = 20,
             interval_s: float = 1800) -> Staffing:
    """All Erlang C figures for ``agents`` answering ``calls`` in one interval."""
    a = traffic_intensity(calls, aht_s, interval_s)
    return Staffing(agents=_agents(agents), traffic=a, prob_wait=prob_wait(agents, a),
                    service_level=service_level(agents, a, aht_s, target_s),
                    asa_s=asa(agents, a, aht_s), occupancy=occupancy(agents, a))


def staffing_table(calls: float, aht_s: float, target_s: float = 20, interval_s: float = 1800,
                   extra: int = 6) -> list[Staffing]:
    """Figures from the first stable number of agents up to ``extra`` agents beyond it."""
    a = traffic_intensity(calls, aht_s, interval_s)
    first = math.floor(a) + 1
    return [staffing(n, calls, aht_s, target_s, interval_s) for n in range(first, first + extra + 1)]
