"""News SEO: pure builders of NewsArticle JSON-LD, social-card tags, robots.txt and sitemaps."""
