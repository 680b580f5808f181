"""The whole URL map, in one table: reading it top to bottom gives the site."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from dateline.web.views import api, article, home, listing, static, weather


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
    ]
