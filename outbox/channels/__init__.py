"""How a rendered message leaves: one module per channel."""
