"""Renders a chat template with Python's jinja2 exactly as transformers does (apply_chat_template):
ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True), loopcontrols, tojson as
json.dumps(ensure_ascii=False, ...), raise_exception and strftime_now globals (the date fixed)."""
import datetime
import json

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

FIXED_DATE = datetime.datetime(2024, 7, 26)


def _raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def _tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def _strftime_now(fmt):
    return FIXED_DATE.strftime(fmt)


def render(source, messages, tools=None, add_generation_prompt=False, bos_token="", eos_token=""):
    """Returns (True, text) or (False, error message)."""
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = _tojson
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    kwargs = {}
    if bos_token:
        kwargs["bos_token"] = bos_token
    if eos_token:
        kwargs["eos_token"] = eos_token
    try:
        text = env.from_string(source).render(messages=messages, tools=tools, documents=None,
                                              add_generation_prompt=add_generation_prompt, **kwargs)
        return True, text
    except Exception as e:  # jinja2.TemplateError, TypeError, ...
        return False, str(e)
