"""Policy packs, facts, conditions and the durable_rules adapter."""
