"""The review web app: the officer's desk over the store (queue, listings, traders, decisions, dashboard).

``phytowatch serve`` runs :func:`create_app` under waitress; see README "Review web app".
"""

from crawler.review.app import ReviewSettings, create_app

__all__ = ["ReviewSettings", "create_app"]
