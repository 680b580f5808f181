"""The whole URL map, in one table: reading it top to bottom gives the site."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from dateline.web.views import (
    api,
    article,
    home,
    listing,
    newsroom_audit,
    newsroom_editor,
    newsroom_list,
    newsroom_related,
    newsroom_review,
    newsroom_revisions,
    newsroom_session,
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
        Route("/api/articles", api.article_list, name="api_articles"),
        Route("/api/articles/{id:int}", api.article_detail, name="api_article"),
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
