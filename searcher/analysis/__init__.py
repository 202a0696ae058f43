"""Indonesian text analysis: tokenizer, stopwords, stemmer and the Whoosh analyzers."""

from searcher.analysis.pipeline import ANALYZER_VERSION, AnalyzedToken, Analyzer, default_analyzer

__all__ = ["ANALYZER_VERSION", "AnalyzedToken", "Analyzer", "default_analyzer"]
