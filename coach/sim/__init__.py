"""The customer simulator: scenarios as data, customers whose mood follows how they are served, the drill."""

from coach.sim.customer import (
    CALL_EVENTS,
    CustomerReply,
    CustomerSimulator,
    CustomerState,
    SimulationError,
    names_a_time,
)
from coach.sim.scenario import SCENARIOS, Scenario, ScenarioError, band_of, load_scenario, load_scenarios

__all__ = ["CALL_EVENTS", "CustomerReply", "CustomerSimulator", "CustomerState", "SimulationError", "names_a_time",
           "SCENARIOS", "Scenario", "ScenarioError", "band_of", "load_scenario", "load_scenarios"]
