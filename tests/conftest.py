"""Fixtures the cross-app tests share with the apps' own tests."""

from channels.tests.servers import smtp_server  # noqa: F401 - aiosmtpd on a loopback port
