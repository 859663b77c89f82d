"""Province views over several county directories: compare their lists, their streets' load,
and check them against a reference catalogue of items higher departments take back."""
