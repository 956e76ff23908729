#!/usr/bin/env python3
"""Writes jianfu's man page (roff, section 1) from the ArgumentParser definitions, so it cannot
drift from the command line:

    jianfu --experimental-dump-help | python3 scripts/manpage.py VERSION DATE > jianfu.1

The input is swift-argument-parser's ToolInfo JSON (serializationVersion 0): the root command
with its arguments and subcommands. Every subcommand gets a section with its synopsis, abstract,
discussion and options; the root's discussion (the exit codes) becomes EXIT STATUS. The rest of
the page (FILES, SEE ALSO) points at the installed documentation. Standard library only.
"""
import json
import sys


def roff(text):
    """Escapes text for roff: backslashes, and a leading dot or quote on any line."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line)
    return "\n".join(lines)


def flag_names(argument):
    names = []
    for name in argument.get("names") or []:
        prefix = "--" if name["kind"] == "long" else "-"
        names.append("\\fB" + roff(prefix + name["name"]) + "\\fR")
    return names


def value_text(argument):
    if argument["kind"] == "flag":
        return ""
    values = argument.get("allValues")
    value = "|".join(values) if values else argument.get("valueName") or "value"
    return " \\fI" + roff(value) + "\\fR"


def synopsis(path, command):
    parts = ["\\fB" + roff(" ".join(path)) + "\\fR"]
    if command.get("subcommands"):
        parts.append("\\fIsubcommand\\fR")
    for argument in command.get("arguments") or []:
        if not argument.get("shouldDisplay", True) or is_help(argument):
            continue
        if argument["kind"] == "positional":
            text = "\\fI" + roff(argument.get("valueName") or "value") + "\\fR"
        else:
            preferred = argument.get("preferredName") or (argument.get("names") or [{}])[0]
            prefix = "--" if preferred.get("kind") == "long" else "-"
            text = "\\fB" + roff(prefix + preferred.get("name", "")) + "\\fR" + value_text(argument)
        if argument.get("isRepeating"):
            text += " ..."
        parts.append("[" + text + "]" if argument.get("isOptional") else text)
    return " ".join(parts)


def is_help(argument):
    return any(n["name"] in ("help", "h", "version") for n in argument.get("names") or []) and argument["kind"] == "flag"


def options(command):
    out = []
    for argument in command.get("arguments") or []:
        if not argument.get("shouldDisplay", True):
            continue
        if argument["kind"] == "positional":
            head = "\\fI" + roff(argument.get("valueName") or "value") + "\\fR"
        else:
            head = ", ".join(n + value_text(argument) for n in flag_names(argument))
        out.append(".TP\n" + head)
        text = argument.get("abstract") or ""
        if argument.get("defaultValue") not in (None, ""):
            text += " (default: " + argument["defaultValue"] + ")"
        out.append(roff(text) if text else "")
        if argument.get("discussion"):
            out.append(".IP\n" + roff(argument["discussion"]))
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: jianfu --experimental-dump-help | manpage.py VERSION DATE")
    version, date = sys.argv[1], sys.argv[2]
    info = json.load(sys.stdin)
    if info.get("serializationVersion") != 0:
        sys.exit("manpage.py: unknown dump-help serializationVersion %r" % info.get("serializationVersion"))
    root = info["command"]
    name = root["commandName"]
    out = [
        '.TH %s 1 "%s" "%s %s" "User Commands"' % (name.upper(), date, name, version),
        ".SH NAME",
        "%s \\- %s" % (name, roff(root.get("abstract", ""))),
        ".SH SYNOPSIS",
    ]
    subcommands = [c for c in root.get("subcommands") or [] if c.get("shouldDisplay", True) and c["commandName"] != "help"]
    for sub in subcommands:
        out += [".PP", synopsis([name, sub["commandName"]], sub)]
    out += [".SH DESCRIPTION", roff(root.get("abstract", "")),
            ".PP", "Each subcommand is described below; \\fB%s help\\fR \\fIsubcommand\\fR prints the same." % name,
            ".SH OPTIONS"] + options(root)
    out.append(".SH COMMANDS")
    for sub in subcommands:
        out += [".SS " + roff(name + " " + sub["commandName"]), synopsis([name, sub["commandName"]], sub), ".PP", roff(sub.get("abstract", ""))]
        if sub.get("discussion"):
            out += [".PP", roff(sub["discussion"])]
        out += options(sub)
    if root.get("discussion"):
        out += [".SH EXIT STATUS", roff(root["discussion"])]
    out += [
        ".SH FILES",
        ".TP", "\\fI/etc/jianfu/\\fRNAME\\fI.yml\\fR",
        "The pipeline run by \\fBjianfu@\\fRNAME\\fB.service\\fR and \\fBjianfu@\\fRNAME\\fB.timer\\fR.",
        ".TP", "\\fI/var/lib/jianfu/\\fR",
        "State stores, reports and run-status files (the only place the service may write).",
        ".TP", "\\fI/usr/share/jianfu/examples/demo.yml\\fR",
        "The example pipeline, with its data.",
        ".TP", "\\fI/usr/share/doc/jianfu/\\fR",
        "README.md (the pipeline file, outputs, exit codes) and operations.md (systemd, Prometheus, cron).",
        ".SH SEE ALSO",
        "\\fBsystemctl\\fR(1), \\fBsystemd.timer\\fR(5), \\fBcrontab\\fR(5)",
    ]
    sys.stdout.write("\n".join(out) + "\n")


main()
