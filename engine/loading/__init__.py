"""YAML files → validated models, with file, line and field in every error."""
