"""apischema.py -- real answers against docs/api/openapi.yaml.

The harness (xjtest.py, Session.http) hands every response it receives to
check(): the operation is found by method and path template, its response
by status (components/responses resolved), and a JSON body is validated
against that response's schema. A status the operation does not document,
a JSON body where the spec has none, or a body the schema refuses is a
problem; the test fails with the list.

The validator implements the part of JSON Schema (2020-12, as OpenAPI 3.1
uses it) that the document uses -- type, $ref, properties, required,
additionalProperties, items, enum, const, pattern, minimum/maximum,
min/maxLength, min/maxItems, minProperties, uniqueItems, anyOf/oneOf/allOf
-- and refuses a schema with any other keyword, so a new keyword in the
document cannot pass unchecked. `format`, `description`, `default` and
`example` are annotations here, as in 2020-12 by default."""
import os
import re

import yaml

_ANNOTATIONS = {"description", "format", "default", "example", "examples", "title",
                "deprecated", "readOnly", "writeOnly"}
_KNOWN = _ANNOTATIONS | {
    "type", "$ref", "properties", "required", "additionalProperties", "items", "enum",
    "const", "pattern", "minimum", "maximum", "minLength", "maxLength", "minItems",
    "maxItems", "minProperties", "uniqueItems", "anyOf", "oneOf", "allOf"}


class Spec:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        self.ops = []
        for tpl, item in self.doc["paths"].items():
            rx = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(tpl)) + "$")
            for method, op in item.items():
                if isinstance(op, dict) and "responses" in op:
                    self.ops.append((method.upper(), tpl, rx, op))

    def ref(self, r):
        if not r.startswith("#/"):
            raise ValueError("only local $ref: %s" % r)
        node = self.doc
        for part in r[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def operation(self, method, path):
        path = path.split("?", 1)[0]
        exact = [(t, op) for m, t, rx, op in self.ops if m == method and rx.match(path)]
        if not exact:
            return None, None
        # a literal segment beats a parameter: the template with fewer {..}
        exact.sort(key=lambda x: x[0].count("{"))
        return exact[0]

    def lint(self):
        """Schemas with keywords the validator does not implement (it would
        refuse them at check time): a list of 'where: keywords'."""
        bad = []

        def walk(sc, at):
            if not isinstance(sc, dict):
                return
            unknown = set(sc) - _KNOWN
            if unknown:
                bad.append("%s: %s" % (at, sorted(unknown)))
            for k, sub in sc.get("properties", {}).items():
                walk(sub, at + "." + k)
            for k in ("items", "additionalProperties"):
                walk(sc.get(k), at + "/" + k)
            for k in ("anyOf", "oneOf", "allOf"):
                for i, sub in enumerate(sc.get(k, [])):
                    walk(sub, "%s/%s[%d]" % (at, k, i))

        for name, sc in self.doc["components"]["schemas"].items():
            walk(sc, "#/components/schemas/" + name)
        for m, tpl, rx, op in self.ops:
            for st, r in op["responses"].items():
                if "$ref" in r:
                    r = self.ref(r["$ref"])
                for ct, media in (r.get("content") or {}).items():
                    walk(media.get("schema"), "%s %s %s %s" % (m, tpl, st, ct))
        return bad

    # ---- the validator ----------------------------------------------
    def validate(self, schema, value, where="$"):
        errs = []
        self._v(schema, value, where, errs)
        return errs

    def _v(self, sc, v, at, errs):
        if sc is True or sc == {}:
            return
        if sc is False:
            errs.append("%s: no value is allowed here" % at)
            return
        unknown = set(sc) - _KNOWN
        if unknown:
            raise ValueError("schema keyword(s) %s at %s not supported by apischema.py"
                             % (sorted(unknown), at))
        if "$ref" in sc:
            self._v(self.ref(sc["$ref"]), v, at, errs)
        if "type" in sc:
            types = sc["type"] if isinstance(sc["type"], list) else [sc["type"]]
            if not any(_is(t, v) for t in types):
                errs.append("%s: %s is not of type %s" % (at, _short(v), "/".join(types)))
                return
        if "enum" in sc and v not in sc["enum"]:
            errs.append("%s: %s not in enum %s" % (at, _short(v), sc["enum"]))
        if "const" in sc and v != sc["const"]:
            errs.append("%s: %s is not %r" % (at, _short(v), sc["const"]))
        if isinstance(v, str):
            if "pattern" in sc and not re.search(sc["pattern"], v):
                errs.append("%s: %s does not match %s" % (at, _short(v), sc["pattern"]))
            if "minLength" in sc and len(v) < sc["minLength"]:
                errs.append("%s: shorter than %d" % (at, sc["minLength"]))
            if "maxLength" in sc and len(v) > sc["maxLength"]:
                errs.append("%s: longer than %d" % (at, sc["maxLength"]))
        if _is("number", v):
            if "minimum" in sc and v < sc["minimum"]:
                errs.append("%s: %r below %r" % (at, v, sc["minimum"]))
            if "maximum" in sc and v > sc["maximum"]:
                errs.append("%s: %r above %r" % (at, v, sc["maximum"]))
        if isinstance(v, list):
            if "minItems" in sc and len(v) < sc["minItems"]:
                errs.append("%s: fewer than %d items" % (at, sc["minItems"]))
            if "maxItems" in sc and len(v) > sc["maxItems"]:
                errs.append("%s: more than %d items" % (at, sc["maxItems"]))
            if sc.get("uniqueItems") and len({repr(x) for x in v}) != len(v):
                errs.append("%s: items are not unique" % at)
            if "items" in sc:
                for i, x in enumerate(v):
                    self._v(sc["items"], x, "%s[%d]" % (at, i), errs)
        if isinstance(v, dict):
            props = sc.get("properties", {})
            for k in sc.get("required", []):
                if k not in v:
                    errs.append("%s: required member %r missing" % (at, k))
            if "minProperties" in sc and len(v) < sc["minProperties"]:
                errs.append("%s: fewer than %d members" % (at, sc["minProperties"]))
            for k, x in v.items():
                if k in props:
                    self._v(props[k], x, "%s.%s" % (at, k), errs)
                elif "additionalProperties" in sc:
                    ap = sc["additionalProperties"]
                    if ap is False:
                        errs.append("%s: member %r is not in the schema" % (at, k))
                    else:
                        self._v(ap, x, "%s.%s" % (at, k), errs)
        for sub in sc.get("allOf", []):
            self._v(sub, v, at, errs)
        if "anyOf" in sc:
            if not any(not self.validate(sub, v, at) for sub in sc["anyOf"]):
                errs.append("%s: %s matches none of anyOf (%s)" % (
                    at, _short(v), "; ".join(self.validate(sc["anyOf"][0], v, at)[:2])))
        if "oneOf" in sc:
            n = sum(1 for sub in sc["oneOf"] if not self.validate(sub, v, at))
            if n != 1:
                errs.append("%s: %s matches %d of oneOf, not 1" % (at, _short(v), n))

    # ---- a response -------------------------------------------------
    def check(self, method, path, status, ctype, body):
        """Problems of one answer, [] when it agrees with the document."""
        tpl, op = self.operation(method, path)
        if op is None:
            # not an API route (an unknown path): the error format at least
            if isinstance(body, (dict, list)):
                return ["%s %s (no route) %d: %s" % (method, path, status, e)
                        for e in self.validate({"$ref": "#/components/schemas/Error"}, body)]
            return []
        resps = op["responses"]
        r = resps.get(str(status)) or resps.get("%dXX" % (status // 100)) or resps.get("default")
        if r is None:
            return ["%s %s: status %d is not documented" % (method, tpl, status)]
        if "$ref" in r:
            r = self.ref(r["$ref"])
        content = r.get("content") or {}
        if not isinstance(body, (dict, list)):
            if "application/json" in content and ctype.startswith("application/json"):
                return ["%s %s %d: body is not JSON" % (method, tpl, status)]
            return []
        media = content.get("application/json")
        if media is None:
            return ["%s %s %d: a JSON body where the document has none (%s)"
                    % (method, tpl, status, ", ".join(content) or "no content")]
        if "schema" not in media:
            return []
        return ["%s %s %d: %s" % (method, tpl, status, e)
                for e in self.validate(media["schema"], body)]


def _is(t, v):
    if t == "null":
        return v is None
    if t == "boolean":
        return isinstance(v, bool)
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    if t == "number":
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == "string":
        return isinstance(v, str)
    if t == "array":
        return isinstance(v, list)
    if t == "object":
        return isinstance(v, dict)
    raise ValueError("unknown type %r" % t)


def _short(v):
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


_spec = None


def spec(srcdir):
    global _spec
    if _spec is None:
        _spec = Spec(os.path.join(srcdir, "docs", "api", "openapi.yaml"))
    return _spec
