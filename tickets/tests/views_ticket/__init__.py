"""The agent's ticket page and its writes: who may open it, what it shows, and that every
refused write says why and writes nothing."""
