"""The rules and the data of SPCP Live: plain Python over SQLModel, no NiceGUI.

Every function takes the acting :class:`~spcp.domain.access.Actor` and refuses, with a
:class:`~spcp.domain.errors.DomainError`, what that role may not do. Mutating functions commit
before they return and hand back the :mod:`~spcp.domain.changes` that the caller publishes.
"""
