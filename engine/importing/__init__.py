"""Importing a county's existing lists (Excel or CSV workbooks) as a county directory."""
