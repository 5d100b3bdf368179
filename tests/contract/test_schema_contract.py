"""The served schema contains every name of contract/schema.graphql with the same types."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    ast_from_value,
    print_ast,
)
from graphql import (
    build_schema as build_sdl,
)

from schema import build_schema

CONTRACT = Path(__file__).resolve().parents[2] / "contract" / "schema.graphql"


def _contract() -> GraphQLSchema:
    return build_sdl(CONTRACT.read_text())


def _default(arg: GraphQLArgument) -> str | None:
    """An argument's default as GraphQL text, or None when it has none."""
    if arg.ast_node is not None and arg.ast_node.default_value is not None:
        return print_ast(arg.ast_node.default_value)
    if arg.default_value is Undefined:
        return None
    node = ast_from_value(arg.default_value, arg.type)
    return None if node is None else print_ast(node)


def _differences(contract: GraphQLSchema, served: GraphQLSchema) -> list[str]:
    problems: list[str] = []
    for name, ctype in contract.type_map.items():
        if name.startswith("__"):
            continue
        stype = served.type_map.get(name)
        if stype is None:
            problems.append(f"missing type {name}")
            continue
        if not isinstance(stype, type(ctype)):
            problems.append(
                f"{name} is a {type(stype).__name__}, contract says {type(ctype).__name__}"
            )
            continue
        if isinstance(ctype, GraphQLEnumType):
            missing = set(ctype.values) - set(stype.values)  # type: ignore[union-attr]
            problems += [f"missing enum value {name}.{v}" for v in sorted(missing)]
        if isinstance(ctype, (GraphQLObjectType, GraphQLInterfaceType)):
            assert isinstance(stype, (GraphQLObjectType, GraphQLInterfaceType))
            wanted_ifaces = {i.name for i in ctype.interfaces}
            have_ifaces = {i.name for i in stype.interfaces}
            problems += [
                f"{name} does not implement {i}" for i in sorted(wanted_ifaces - have_ifaces)
            ]
            for fname, cfield in ctype.fields.items():
                sfield = stype.fields.get(fname)
                if sfield is None:
                    problems.append(f"missing field {name}.{fname}")
                    continue
                if str(sfield.type) != str(cfield.type):
                    problems.append(f"{name}.{fname} is {sfield.type}, contract says {cfield.type}")
                for aname, carg in cfield.args.items():
                    sarg = sfield.args.get(aname)
                    if sarg is None:
                        problems.append(f"missing argument {name}.{fname}({aname})")
                    elif str(sarg.type) != str(carg.type):
                        problems.append(
                            f"{name}.{fname}({aname}) is {sarg.type}, contract says {carg.type}"
                        )
                    elif _default(carg) is not None and _default(carg) != _default(sarg):
                        problems.append(f"{name}.{fname}({aname}) default differs")
                for aname, sarg in sfield.args.items():
                    if (
                        aname not in cfield.args
                        and str(sarg.type).endswith("!")
                        and sarg.default_value is None
                    ):
                        problems.append(f"{name}.{fname}({aname}) is an extra required argument")
        if isinstance(ctype, GraphQLInputObjectType):
            assert isinstance(stype, GraphQLInputObjectType)
            for fname, cfield in ctype.fields.items():
                sfield = stype.fields.get(fname)
                if sfield is None:
                    problems.append(f"missing input field {name}.{fname}")
                elif str(sfield.type) != str(cfield.type):
                    problems.append(f"{name}.{fname} is {sfield.type}, contract says {cfield.type}")
    return problems


def test_served_schema_contains_the_whole_contract() -> None:
    served = build_schema()._schema
    assert _differences(_contract(), served) == []


def test_checker_notices_a_missing_field() -> None:
    contract = build_sdl("type Query { me: String! other(x: Int = 1): Int }")
    served = build_sdl("type Query { me: String other(x: Int = 2): Int }")
    found = _differences(contract, served)
    assert "Query.me is String, contract says String!" in found
    assert "Query.other(x) default differs" in found


def test_every_type_and_field_is_documented() -> None:
    served = build_schema()._schema
    undocumented = [
        name
        for name, t in served.type_map.items()
        if not name.startswith("__")
        and isinstance(t, (GraphQLObjectType, GraphQLInterfaceType))
        and name not in {"Query", "Mutation"}
        and not name.endswith(("Edge", "Payload"))
        and not t.description
    ]
    assert undocumented == []
