"""Personal API tokens (docs/accounts.md "API tokens"; api.md "Accounts"):
creation (the value shown once), the paginated list, Bearer
authentication, last_used_at, revocation, someone else's token, names, and
what the database keeps (a BLAKE2b-256 hash, never the value).  JSON and
the HTML tokens page.
"""

import re
import unittest
import urllib.parse

from accounts_support import (
    API_TOKEN, MSG_REQUIRED, MSG_TOKEN_NAME, RFC3339_UTC, TOKEN_KEYS,
    AccountsTestCase, Client, csrf_in_page, page_forms, signup, sql_literal,
    token_hash_candidates)
from support import psql


def create(acc, name="t", **kw):
    return acc.client.json("POST", "/me/tokens", {"name": name}, csrf=True,
                           **kw)


class TestCreate(AccountsTestCase):

    def test_created_and_shown_once(self):
        a = signup()
        r = create(a, "laptop")
        doc = self.assertJsonOk(r, 201)
        self.assertEqual(set(doc), TOKEN_KEYS | {"token"}, doc)
        self.assertIsInstance(doc["id"], int)
        self.assertEqual(doc["name"], "laptop")
        self.assertRegex(doc["created_at"], RFC3339_UTC)
        self.assertIsNone(doc["last_used_at"])
        self.assertRegex(doc["token"], API_TOKEN)
        token = doc["token"]
        # Never again: not in the list, not on the page.
        r = a.client.get("/me/tokens")
        lst = self.assertJsonOk(r)
        self.assertEqual(set(lst), {"items", "next_cursor"})
        self.assertIsNone(lst["next_cursor"])
        self.assertEqual(len(lst["items"]), 1)
        item = lst["items"][0]
        self.assertEqual(set(item), TOKEN_KEYS, item)
        self.assertEqual({k: item[k] for k in TOKEN_KEYS},
                         {k: doc[k] for k in TOKEN_KEYS})
        self.assertNotIn(token.encode(), r.body)
        self.assertNotIn(token[3:].encode(), r.body)
        r = a.client.get("/me/tokens", accept="html")
        self.assertHtmlPage(r)
        self.assertIn(b"laptop", r.body)
        self.assertNotIn(token[3:].encode(), r.body)
        # The database holds a 32-byte BLAKE2b hash of it, nothing else.
        th = psql("SELECT encode(token_hash, 'hex') FROM api_tokens WHERE "
                  f"id = {doc['id']} AND user_id = {a.id} "
                  "AND revoked_at IS NULL")
        self.assertIn(th, token_hash_candidates(token))
        for t in (token, token[3:]):
            self.assertEqual(psql(
                "SELECT count(*) FROM api_tokens WHERE position("
                f"{sql_literal(t)} IN api_tokens::text) > 0"), "0")

    def test_names(self):
        a = signup()
        for good in ["a", "é" * 100, "CI deploy (read)", "x y"]:
            with self.subTest(name=good[:10]):
                r = create(a, good)
                self.assertEqual(self.assertJsonOk(r, 201)["name"], good)
        for bad in ["", "é" * 101, "n" * 101]:
            with self.subTest(name=bad[:10]):
                self.assertValidation(create(a, bad),
                                      {"name": MSG_TOKEN_NAME})
        r = a.client.json("POST", "/me/tokens", {}, csrf=True)
        self.assertValidation(r, {"name": {MSG_REQUIRED, MSG_TOKEN_NAME}})
        # Only spaces: the database refuses those; never a 500.
        r = create(a, "   ")
        self.assertIn(r.status, (201, 422), r)
        if r.status == 422:
            self.assertValidation(r, {"name": None})

    def test_html_form(self):
        a = signup()
        r = a.client.get("/me/tokens", accept="html")
        self.assertHtmlPage(r)
        self.assertEqual(csrf_in_page(r.body), a.client.csrf)
        names = [n for f in page_forms(r.body) if f.method == "post"
                 for n in f.names()]
        self.assertIn("name", names)
        r = a.client.form("POST", "/me/tokens", {"name": "from <form>"})
        self.assertHtmlPage(r, 200)
        self.assertIn(b"from &lt;form&gt;", r.body)
        lst = a.client.get("/me/tokens").json()["items"]
        self.assertEqual(len(lst), 1)
        th = psql("SELECT encode(token_hash, 'hex') FROM api_tokens WHERE "
                  f"id = {lst[0]['id']}")
        shown = [t for t in re.findall(rb"ik_[A-Za-z0-9_-]{43}", r.body)
                 if th in token_hash_candidates(t.decode())]
        self.assertTrue(shown, "the new token's value is not on the page")
        token = shown[0].decode()
        self.assertEqual(Client(bearer=token).get("/me").status, 200)
        r = a.client.get("/me/tokens", accept="html")
        self.assertNotIn(token.encode(), r.body)
        # Invalid: 422 with the message.
        r = a.client.form("POST", "/me/tokens", {"name": ""})
        self.assertHtmlPage(r, 422)
        self.assertIn(MSG_TOKEN_NAME.encode(), r.body)
        # Without the CSRF token: refused.
        r = a.client.form("POST", "/me/tokens", {"name": "x"},
                          with_csrf=False)
        self.assertHtmlError(r, 403)
        # Revoked through the form.
        r = a.client.form("POST", f"/me/tokens/{lst[0]['id']}",
                          {"_method": "DELETE"})
        self.assertRedirect(r, "/me/tokens")
        self.assertUnauthenticated(Client(bearer=token).get("/me"))


class TestBearer(AccountsTestCase):

    def test_authenticates_and_sets_last_used(self):
        a = signup()
        doc = create(a, "api").json()
        api = Client(bearer=doc["token"])
        r = api.get("/me")
        self.assertOwnUser(self.assertJsonOk(r), username=a.username,
                           email=a.email)
        self.assertIsNone(r.header("X-CSRF-Token"), r)
        self.assertIsNone(r.header("Set-Cookie"), r)
        item = a.client.get("/me/tokens").json()["items"][0]
        self.assertRegex(item["last_used_at"] or "", RFC3339_UTC)
        self.assertEqual(psql(
            "SELECT last_used_at > now() - interval '1 minute' FROM "
            f"api_tokens WHERE id = {doc['id']}"), "t")

    def test_last_used_written_at_most_once_a_minute(self):
        a = signup()
        doc = create(a).json()
        api = Client(bearer=doc["token"])
        psql("UPDATE api_tokens SET last_used_at = now() - interval "
             f"'20 seconds' WHERE id = {doc['id']}")
        self.assertEqual(api.get("/me").status, 200)
        self.assertEqual(psql(
            "SELECT last_used_at < now() - interval '15 seconds' FROM "
            f"api_tokens WHERE id = {doc['id']}"), "t")
        psql("UPDATE api_tokens SET last_used_at = now() - interval "
             f"'2 minutes' WHERE id = {doc['id']}")
        self.assertEqual(api.get("/me").status, 200)
        self.assertEqual(psql(
            "SELECT last_used_at > now() - interval '15 seconds' FROM "
            f"api_tokens WHERE id = {doc['id']}"), "t")

    def test_patch_me_without_csrf(self):
        a = signup()
        api = Client(bearer=create(a).json()["token"])
        r = api.json("PATCH", "/me", {"display_name": "Robot"})
        self.assertEqual(self.assertJsonOk(r)["display_name"], "Robot")
        self.assertEqual(a.client.get("/me").json()["display_name"], "Robot")

    def test_list_with_bearer(self):
        a = signup()
        tok = create(a).json()
        r = Client(bearer=tok["token"]).get("/me/tokens")
        self.assertEqual([t["id"] for t in self.assertJsonOk(r)["items"]],
                         [tok["id"]])

    def test_revoked(self):
        a = signup()
        keep = create(a, "keep").json()
        gone = create(a, "gone").json()
        r = a.client.send("DELETE", f"/me/tokens/{gone['id']}", csrf=True)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, b"")
        self.assertEqual(psql("SELECT revoked_at IS NOT NULL FROM api_tokens"
                              f" WHERE id = {gone['id']}") or "t", "t")
        self.assertUnauthenticated(Client(bearer=gone["token"]).get("/me"))
        self.assertEqual(Client(bearer=keep["token"]).get("/me").status, 200)
        ids = [t["id"] for t in a.client.get("/me/tokens").json()["items"]]
        self.assertIn(keep["id"], ids)
        self.assertNotIn(gone["id"], ids, "a deleted token is still listed")

    def test_a_token_deletes_itself(self):
        a = signup()
        tok = create(a).json()
        api = Client(bearer=tok["token"])
        self.assertEqual(api.send("DELETE", f"/me/tokens/{tok['id']}").status,
                         204)
        self.assertUnauthenticated(api.get("/me"))

    def test_unknown_ids(self):
        a = signup()
        for path in ["/me/tokens/999999999", "/me/tokens/0",
                     "/me/tokens/abc", "/me/tokens/-1",
                     "/me/tokens/99999999999999999999999"]:
            with self.subTest(path=path):
                r = a.client.send("DELETE", path, csrf=True)
                self.assertJsonError(r, 404, "not_found")

    def test_other_users_token(self):
        a = signup()
        b = signup()
        ta = create(a).json()
        for c in (b.client, Client(bearer=create(b).json()["token"])):
            r = c.send("DELETE", f"/me/tokens/{ta['id']}", csrf=True)
            self.assertJsonError(r, 404, "not_found")
        self.assertEqual(Client(bearer=ta["token"]).get("/me").status, 200)
        # The same answer as a missing id: nothing tells them apart.
        r1 = b.client.send("DELETE", f"/me/tokens/{ta['id']}", csrf=True)
        r2 = b.client.send("DELETE", "/me/tokens/999999998", csrf=True)
        self.assertEqual(r1.json(), r2.json())
        # And a's token authenticates a, never b.
        self.assertEqual(Client(bearer=ta["token"]).get("/me")
                         .json()["username"], a.username)


class TestList(AccountsTestCase):

    def test_pagination(self):
        a = signup()
        made = [create(a, f"t{i}").json()["id"] for i in range(5)]
        seen = []
        cursor = None
        pages = 0
        while True:
            path = "/me/tokens?limit=2" + (
                "&cursor=" + cursor if cursor else "")
            doc = self.assertJsonOk(a.client.get(path))
            self.assertEqual(set(doc), {"items", "next_cursor"})
            self.assertLessEqual(len(doc["items"]), 2)
            seen += [t["id"] for t in doc["items"]]
            pages += 1
            self.assertLess(pages, 10, "the cursor does not advance")
            cursor = doc["next_cursor"]
            if cursor is None:
                break
            self.assertIsInstance(cursor, str)
            self.assertTrue(cursor)
            cursor = urllib.parse.quote(cursor, safe="")
        self.assertEqual(pages, 3)
        self.assertEqual(sorted(seen), sorted(made))
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(seen, sorted(made, reverse=True), "newest first")
        doc = a.client.get("/me/tokens").json()
        self.assertEqual(len(doc["items"]), 5)
        self.assertIsNone(doc["next_cursor"])

    def test_bad_parameters(self):
        a = signup()
        for q in ["limit=0", "limit=101", "limit=abc", "limit=-1",
                  "cursor=%00garbage", "cursor=not-a-cursor"]:
            with self.subTest(q=q):
                r = a.client.get("/me/tokens?" + q)
                self.assertJsonError(r, 400, "bad_request")

    def test_only_own(self):
        a = signup()
        b = signup()
        create(a, "a1")
        create(b, "b1")
        self.assertEqual([t["name"] for t in
                          a.client.get("/me/tokens").json()["items"]],
                         ["a1"])


if __name__ == "__main__":
    unittest.main()
