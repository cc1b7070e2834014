from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from guide.pages import PAGES, PAGES_BY_SLUG, RED_FLAGS_URL, SELF_CHECK_TITLE, page_neighbours
from guide.rendering import page_body_html
from guide.selfcheck import QUESTIONS, selfcheck_result


def guide_index(request: HttpRequest) -> HttpResponse:
    return render(request, "guide/index.html", {"pages": PAGES, "red_flags_url": RED_FLAGS_URL})


def guide_page(request: HttpRequest, slug: str) -> HttpResponse:
    # Only known slugs map to files: anything else stops here, before the filesystem.
    page = PAGES_BY_SLUG.get(slug)
    if page is None:
        raise Http404("No such guide page")
    previous, following = page_neighbours(slug)
    return render(
        request,
        "guide/page.html",
        {
            "page": page,
            "body": page_body_html(slug),
            "number": [p.slug for p in PAGES].index(slug) + 1,
            "total": len(PAGES),
            "previous": previous,
            "next": following,
        },
    )


def guide_selfcheck(request: HttpRequest) -> HttpResponse:
    """The red-flag self-check. Answers arrive as GET parameters and are never stored."""
    answered = request.GET.get("check") == "1"
    answers = {q.name: request.GET.get(q.name, "") for q in QUESTIONS}
    response = render(
        request,
        "guide/selfcheck.html",
        {
            "title": SELF_CHECK_TITLE,
            "questions": [(q, answers[q.name]) for q in QUESTIONS],
            "result": selfcheck_result(answers) if answered else "",
            "red_flags_url": RED_FLAGS_URL,
        },
    )
    if answered:
        # Answers are health information: keep them out of every cache.
        patch_cache_control(response, no_store=True, private=True)
    return response
