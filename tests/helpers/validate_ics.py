#!/usr/bin/python3
"""Strict iCalendar validation with the parsers Debian ships.

Usage: /usr/bin/python3 tests/helpers/validate_ics.py FILE [FILE ...]

Prints a JSON list of complaints (strings), empty when every parser accepts the file; with
several files, a JSON list of such lists, in order (one interpreter start for many files).
  vobject     readOne(..., validate=True) and .validate() on the calendar and each component
  icalendar   Calendar.from_ical(); every walked component's .errors must be empty
  libical     ICalGLib (gir1.2-ical-3.0): parse errors (errno, X-LIC-ERROR) and the iTIP
              restriction check (METHOD-dependent required properties), which libical
              reports by inserting X-LIC-ERROR properties.
Each parser runs in its own try block, so a crash in one is reported, not fatal.
"""
import json
from collections import Counter
import sys
import warnings


def unfold(text):
    return text.replace('\r\n ', '').replace('\r\n\t', '').replace('\n ', '').replace('\n\t', '')


def check_vobject(text, out):
    try:
        import vobject
    except Exception as e:  # pragma: no cover - environment problem, still a complaint
        out.append('vobject: not importable: %r' % (e,))
        return
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            cal = vobject.readOne(text, validate=True)
            cal.validate(raiseException=True)
            for child in cal.getChildren():
                if hasattr(child, 'validate') and isinstance(child, vobject.base.Component):
                    child.validate(raiseException=True)
        for w in caught:
            out.append('vobject warning: %s' % (w.message,))
    except Exception as e:
        out.append('vobject: %s: %s' % (type(e).__name__, e))


def check_icalendar(text, out):
    try:
        from icalendar import Calendar
    except Exception as e:
        out.append('icalendar: not importable: %r' % (e,))
        return
    try:
        cal = Calendar.from_ical(text)
        for comp in cal.walk():
            for err in getattr(comp, 'errors', []) or []:
                out.append('icalendar: %s: %s' % (comp.name, err))
        if cal.name != 'VCALENDAR':
            out.append('icalendar: top-level component is %s' % (cal.name,))
    except Exception as e:
        out.append('icalendar: %s: %s' % (type(e).__name__, e))


def lic_errors(comp_text):
    return [line for line in unfold(comp_text).splitlines() if line.upper().startswith('X-LIC-ERROR')]


def check_libical(text, out):
    try:
        import gi
        gi.require_version('ICalGLib', '3.0')
        from gi.repository import ICalGLib
    except Exception as e:
        out.append('libical: not importable: %r' % (e,))
        return
    try:
        ICalGLib.error_clear_errno()
        comp = ICalGLib.Component.new_from_string(text)
        errno = ICalGLib.errno_return()
        if errno != ICalGLib.ErrorEnum.NO_ERROR:
            out.append('libical: errno %s' % (ICalGLib.error_strerror(errno),))
        if comp is None:
            out.append('libical: could not parse the calendar')
            return
        if comp.isa() != ICalGLib.ComponentKind.VCALENDAR_COMPONENT:
            out.append('libical: top-level component is not VCALENDAR')
        before = lic_errors(comp.as_ical_string())
        for line in before:
            out.append('libical parse: %s' % (line,))
        ICalGLib.restriction_check(comp)
        after = lic_errors(comp.as_ical_string())
        # The check inserts its own X-LIC-ERROR properties; report those not already seen.
        remaining = Counter(before)
        for line in after:
            if remaining[line] > 0:
                remaining[line] -= 1
            else:
                out.append('libical restriction: %s' % (line,))
    except Exception as e:
        out.append('libical: %s: %s' % (type(e).__name__, e))


def complaints(path):
    raw = open(path, 'rb').read()
    out = []
    try:
        text = raw.decode('utf-8', errors='strict')
    except UnicodeDecodeError as e:
        out.append('not UTF-8: %s' % (e,))
        text = raw.decode('utf-8', errors='replace')
    check_vobject(text, out)
    check_icalendar(text, out)
    check_libical(text, out)
    return out


def main():
    files = sys.argv[1:]
    if not files:
        print(json.dumps(['usage: validate_ics.py FILE [FILE ...]']))
        return 2
    results = [complaints(f) for f in files]
    print(json.dumps(results[0] if len(files) == 1 else results, ensure_ascii=False))
    return 0


if __name__ == '__main__':
    sys.exit(main())
