"""The secretariat's screens for the register, one module per sub-domain. Every change of
state goes through members.services. Importing the modules registers their admins."""

from . import applications, meetings, notices, prospects, register  # noqa: F401
