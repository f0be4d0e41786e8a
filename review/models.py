"""File review: reviewers' invitations, scoring criteria and scores, private notes, file
assignments, masking rules, saved filters and the log of every opening of a file."""

from __future__ import annotations
