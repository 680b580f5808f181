"""The whole URL map, in one table: reading it top to bottom gives the site."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from dateline.web.views import (
    api,
    article,
    feeds,
    home,
    listing,
    newsroom_audit,
    newsroom_editor,
    newsroom_list,
    newsroom_related,
    newsroom_review,
    newsroom_revisions,
    newsroom_session,
    search,
    seo,
    static,
    weather,
)

EITHER = ["GET", "POST"]
POST = ["POST"]


def routes() -> list[BaseRoute]:
    return [
        Route("/", home.home, name="home"),
        Route("/{year:int}/{month:int}/{day:int}/{slug}", article.article, name="article"),
        Route("/article/{slug}", article.article, name="article_undated"),
        Route("/section/{slug}", listing.section, name="section"),
        Route("/author/{slug}", listing.author, name="author"),
        Route("/topic/{slug}", listing.topic, name="topic"),
        # outbound feeds: site-wide, then per section, author and topic (RSS, Atom, JSON Feed)
        Route("/rss.xml", feeds.site_feed, name="feed_rss"),
        Route("/atom.xml", feeds.site_feed, name="feed_atom"),
        Route("/feed.json", feeds.site_feed, name="feed_json"),
        Route("/section/{slug}/rss.xml", feeds.section_feed, name="section_rss"),
        Route("/section/{slug}/atom.xml", feeds.section_feed, name="section_atom"),
        Route("/section/{slug}/feed.json", feeds.section_feed, name="section_json"),
        Route("/author/{slug}/rss.xml", feeds.author_feed, name="author_rss"),
        Route("/author/{slug}/atom.xml", feeds.author_feed, name="author_atom"),
        Route("/author/{slug}/feed.json", feeds.author_feed, name="author_json"),
        Route("/topic/{slug}/rss.xml", feeds.topic_feed, name="topic_rss"),
        Route("/topic/{slug}/atom.xml", feeds.topic_feed, name="topic_atom"),
        Route("/topic/{slug}/feed.json", feeds.topic_feed, name="topic_json"),
        Route("/search", search.search_page, name="search"),
        Route("/api/search", search.search_api, name="api_search"),
        Route("/api/articles", api.article_list, name="api_articles"),
        Route("/api/articles/{id:int}", api.article_detail, name="api_article"),
        Route("/api/sections", api.section_list, name="api_sections"),
        Route("/api/sections/{slug}", api.section_detail, name="api_section"),
        Route("/api/authors", api.author_list, name="api_authors"),
        Route("/api/authors/{slug}", api.author_detail, name="api_author"),
        Route("/api/topics", api.topic_list, name="api_topics"),
        Route("/api/topics/{slug}", api.topic_detail, name="api_topic"),
        Route("/api/openapi.json", api.openapi_document, name="api_openapi"),
        # crawlers: robots.txt, the sitemap index and its URL sets, the Google News sitemap
        Route("/robots.txt", seo.robots_txt, name="robots"),
        Route("/sitemap.xml", seo.sitemap_index, name="sitemap_index"),
        Route("/sitemaps/pages.xml", seo.pages_sitemap, name="sitemap_pages"),
        Route("/sitemaps/articles-{number:int}.xml", seo.article_sitemap, name="sitemap_articles"),
        Route("/news-sitemap.xml", seo.news_sitemap, name="news_sitemap"),
        Route("/weather/city", weather.choose_city, methods=["POST"], name="weather_city"),
        Route("/static/{digest}/{name}", static.static_file, name="static"),
        # the newsroom: sign-in, articles, the editor, review, related overrides, audit
        Route("/newsroom/login", newsroom_session.login, methods=EITHER, name="nr_login"),
        Route("/newsroom/logout", newsroom_session.logout, methods=POST, name="nr_logout"),
        Route(
            "/newsroom/logout-everywhere",
            newsroom_session.logout_everywhere,
            methods=POST,
            name="nr_logout_everywhere",
        ),
        Route("/newsroom/", newsroom_list.articles, name="nr_articles"),
        Route("/newsroom/articles/new", newsroom_editor.new_article, methods=EITHER, name="nr_new"),
        Route(
            "/newsroom/articles/new/autosave",
            newsroom_editor.autosave,
            methods=POST,
            name="nr_autosave_new",
        ),
        Route(
            "/newsroom/articles/{id:int}",
            newsroom_editor.edit_article,
            methods=EITHER,
            name="nr_edit",
        ),
        Route(
            "/newsroom/articles/{id:int}/autosave",
            newsroom_editor.autosave,
            methods=POST,
            name="nr_autosave",
        ),
        Route(
            "/newsroom/articles/{id:int}/revisions",
            newsroom_revisions.revisions,
            name="nr_revisions",
        ),
        Route(
            "/newsroom/articles/{id:int}/revisions/{number:int}",
            newsroom_revisions.revision,
            name="nr_revision",
        ),
        Route(
            "/newsroom/articles/{id:int}/revisions/{number:int}/restore",
            newsroom_revisions.restore,
            methods=POST,
            name="nr_restore",
        ),
        Route(
            "/newsroom/articles/{id:int}/related",
            newsroom_related.related,
            methods=EITHER,
            name="nr_related",
        ),
        Route("/newsroom/review", newsroom_review.queue, name="nr_review"),
        Route("/newsroom/review/{id:int}", newsroom_review.decide, methods=POST, name="nr_decide"),
        Route("/newsroom/audit", newsroom_audit.audit_log, name="nr_audit"),
    ]
