"""The core co-op domain: co-operatives, members, clients, projects, hours, audit."""
