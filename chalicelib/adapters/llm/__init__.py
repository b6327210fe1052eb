"""LLM adapters: one LlmClient per provider wire format, chosen by `build_llm_client`."""

from chalicelib.adapters.llm.config import LlmConfig, LlmProvider
from chalicelib.adapters.llm.factory import build_llm_client

__all__ = ["LlmConfig", "LlmProvider", "build_llm_client"]
