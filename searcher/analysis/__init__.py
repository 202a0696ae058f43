"""Indonesian text analysis: tokenizer, stopwords, stemmer and the Whoosh analyzers."""

from searcher.analysis.pipeline import (ANALYZER_VERSION, AnalyzedToken, Analyzer, analysis_for,
                                       analyzer_for, current_stemmer, default_analyzer)
from searcher.analysis.stemmer import DEFAULT_STEMMER, STEMMERS

__all__ = ["ANALYZER_VERSION", "DEFAULT_STEMMER", "STEMMERS", "AnalyzedToken", "Analyzer",
           "analysis_for", "analyzer_for", "current_stemmer", "default_analyzer"]
