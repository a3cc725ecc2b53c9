"""What commands show on a terminal: Rich renderables, never printed here.

``entries`` (list and show), ``search``, ``stats`` and ``timeline``; plain serialisers
(JSON, YAML, ids) live with the formats in ``chronicle.exchange``.
"""
