"""Test conditions no side trains on (the robustness claim): one module per input kind."""
