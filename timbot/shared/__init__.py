"""Shared state (pacing, answer cache, records): in-process, or in Redis for every process of one bot."""
