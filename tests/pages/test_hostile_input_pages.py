"""Hostile input on the admin pages (issue 17.6): a control or text-direction character in a
search term, a name or an e-mail address is refused on the page itself, and nothing is created."""

from __future__ import annotations


async def test_a_search_or_a_name_with_hidden_characters_is_refused_on_the_page(people):
    staff = await people("STAF")
    for q in ("a\x00b", "a\u202eb"):
        page = await staff.get("/staff/users", params={"q": q})
        assert page.status_code == 422 and "Nogle af oplysningerne er ikke gyldige." in page.text, page.text[:300]
    for name, email in (("Vera\u202eVisitor", "vera@example.org"), ("Vera Visitor", "vera\x00@example.org"),
                        ("Vera Visitor", "<b>vera</b>@example.org")):
        r = await staff.post("/staff/users", {"name": name, "email": email})
        assert r.status_code == 422, (name, email, r.status_code)
    page = await staff.get("/staff/users?q=vera")
    assert page.status_code == 200 and "Vera" not in page.text
