"""Every page's frame (base.html): a skip link first, a labelled search box in the header, a favicon."""
import re


def test_frame_has_skip_link_search_box_and_favicon(client, make, login):
    login(make.user())
    page = client.get("/projects").get_data(as_text=True)
    body = page[page.index("<body>"):]
    first_link = re.search(r"<(a|button|input|select)\b[^>]*>", body).group(0)
    assert 'class="skip-link" href="#main"' in first_link and 'id="main"' in page
    search = re.search(r'<form class="header-search" method="get" action="(/[^"]*)".*?</form>', page, re.S)
    assert search.group(1) == "/search"
    assert '<label for="header-search-q"' in search.group(0) and 'name="q"' in search.group(0)
    assert client.get("/search?q=%E7%AA%93%E5%8F%A3").status_code == 200
    for icon in re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', page):
        response = client.get(icon)
        assert response.status_code == 200 and response.content_type.startswith("image/")
        response.close()
