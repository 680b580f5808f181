"""The newsroom: accounts, sign-in, the editor's rules and the publishing workflow. No HTTP.

Modules:
- ``accounts``: users with argon2id passwords; sign-in with throttling; sessions and
  their CSRF tokens.
- ``editor``: the editor's form values into an ``Article``, checked, and back.
- ``workflow``: what each role may do to an article in each state, and doing it
  (submit, publish, schedule, unpublish, correct, review), through the one publish path.
- ``schedule``: scheduled publishing and unpublishing, run inside dateline.

The web layer (``web/views/newsroom``) and the CLI call these; they call the store and
``publish``.
"""
