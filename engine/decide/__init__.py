"""From findings to decisions: assignment per street and phase, verdicts, the whole evaluation."""
