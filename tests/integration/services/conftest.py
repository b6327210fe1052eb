"""The embedded AWS fixtures, shared with the adapter tests."""

from tests.integration.adapters.aws.conftest import aws_config, aws_endpoint

__all__ = ["aws_config", "aws_endpoint"]
