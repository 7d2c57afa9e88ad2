"""Demo data: a realistic company of trainees, trainers and managers with months of scored practice."""

from coach.demo.company import DEMO_PASSWORD, BankError, build_transcript, load_bank, load_demo

__all__ = ["DEMO_PASSWORD", "BankError", "build_transcript", "load_bank", "load_demo"]
