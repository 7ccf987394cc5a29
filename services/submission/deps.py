"""Route dependencies shared by submission's domains, so no `routes.py` imports another."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.submission.common import Page
from shared.auth import Principal, Role, require_roles

#: Who works with ideas and their files through a token: participants (access is then checked per idea, the
#: team only) and the committee. Judges read ideas in judging and files through links judging signs.
IdeaUser = Annotated[Principal, require_roles(Role.PARTICIPANT, Role.COMMITTEE)]

#: A list's `page` and `page_size` query parameters.
PageQuery = Annotated[Page, Depends()]
