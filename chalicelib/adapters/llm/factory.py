"""Choosing the LlmClient adapter a configuration asks for.

Adapters are imported only when chosen: the anthropic SDK is slow to import, and a Lambda that
talks to Ollama should not pay for it on a cold start.
"""

from __future__ import annotations

from chalicelib.adapters.llm.config import LlmConfig, LlmProvider
from chalicelib.textbrain.llm_port import LlmClient


def build_llm_client(config: LlmConfig) -> LlmClient:
    """The adapter for `config.provider`, ready to call."""
    match config.kind:
        case LlmProvider.ANTHROPIC:
            from chalicelib.adapters.llm.anthropic import AnthropicClient

            return AnthropicClient(config)
        case LlmProvider.OPENAI_COMPAT:
            from chalicelib.adapters.llm.openai_compat import OpenAiCompatClient

            return OpenAiCompatClient(config)
        case LlmProvider.OLLAMA:
            from chalicelib.adapters.llm.ollama import OllamaClient

            return OllamaClient(config)
        case LlmProvider.CUSTOM_HTTP:
            from chalicelib.adapters.llm.custom_http import CustomHttpClient

            return CustomHttpClient(config)
