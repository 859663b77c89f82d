"""谁来办: which item of a street's lists a citizen's complaint is about, and who handles it."""
