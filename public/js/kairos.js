// Progressive enhancement only: every page is complete and correct without this script.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = undefined; }
  var lang = document.documentElement.lang || 'en';
  if (lang === 'en') lang = 'en-GB'; // European English: day before month

  // Remember the browser's zone so the server renders times in it next time.
  if (zone && /^[A-Za-z_]+\/[A-Za-z_\/+-]+$|^UTC$/.test(zone)) {
    var current = (document.cookie.match(/(?:^|; )kairos_tz=([^;]*)/) || [])[1];
    if (decodeURIComponent(current || '') !== zone) {
      document.cookie = 'kairos_tz=' + encodeURIComponent(zone) + '; path=/; max-age=31536000; samesite=lax';
    }
  }

  function offsetLabel(date, tz) {
    try {
      var parts = new Intl.DateTimeFormat('en', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(date);
      var name = parts.filter(function (p) { return p.type === 'timeZoneName'; })[0];
      return name ? name.value.replace('GMT', 'UTC').replace(/^UTC$/, 'UTC+00:00').replace('-', '\u2212') : '';
    } catch (e) { return ''; }
  }

  // Show the viewer's time in the browser's zone, naming the zone.
  function localise() {
    if (!zone) return;
    var nodes = document.querySelectorAll('time[data-utc]');
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var d = new Date(el.getAttribute('data-utc'));
      if (isNaN(d.getTime())) continue;
      var text = new Intl.DateTimeFormat(lang, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: zone }).format(d) +
        ', ' + new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: zone }).format(d) +
        ' (' + zone.replace(/_/g, ' ') + ', ' + offsetLabel(d, zone) + ')';
      el.textContent = text;
      el.setAttribute('data-zone', zone);
    }
    var hidden = document.querySelectorAll('.session-zone[hidden]');
    for (var h = 0; h < hidden.length; h++) if (hidden[h].getAttribute('data-zone') !== zone) hidden[h].removeAttribute('hidden');
    var note = document.getElementById('viewer-zone-note');
    if (note && note.getAttribute('data-detected')) note.textContent = note.getAttribute('data-detected').replace('{zone}', zone);
    var label = document.getElementById('viewer-time-label');
    if (label && label.getAttribute('data-yours')) label.textContent = label.getAttribute('data-yours');
  }

  // Country names in many languages, so that a zone is found by its country as a visitor names it
  // ("Rumänien", "Romania", "Ρουμανία"): the site's languages, the browser's, and the EU's others.
  var SEARCH_LANGS = ['en', 'el', 'ro', 'lt', 'it', 'es', 'pl', 'bg', 'de', 'fr', 'nl', 'pt', 'sv', 'fi', 'da', 'cs', 'sk', 'sl', 'hr', 'hu', 'et', 'lv', 'ga', 'mt'];
  var regionNames;
  function countryNames(cc) {
    if (!cc) return '';
    if (!regionNames) {
      regionNames = [];
      var langs = SEARCH_LANGS.concat(navigator.languages || []);
      for (var i = 0; i < langs.length; i++) {
        try { regionNames.push(new Intl.DisplayNames([langs[i]], { type: 'region' })); } catch (e) { /* a language this browser does not know */ }
      }
    }
    var out = [];
    for (var j = 0; j < regionNames.length; j++) { try { out.push(regionNames[j].of(cc)); } catch (e) { /* an unknown code */ } }
    return out.join(' ');
  }
  function fold(text) {
    return String(text).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[_\/\s-]+/g, ' ').trim();
  }

  // A zone <select> becomes a searchable combobox (the ARIA 1.2 combobox with a listbox popup): type a
  // city, a country in any language or an IANA name, and pick with the arrow keys and Enter or the
  // mouse. The select stays in the form, out of sight, and keeps the value the form posts.
  function zonePicker(select) {
    var id = select.id, listId = id + '-listbox', label = document.querySelector('label[for="' + id + '"]');
    var items = [], seen = {};
    for (var i = 0; i < select.options.length; i++) {
      var o = select.options[i];
      if (seen[o.value]) continue; // a hub city is also in its country's group: listed once
      seen[o.value] = true;
      var group = o.parentNode && o.parentNode.tagName === 'OPTGROUP' ? o.parentNode : null;
      items.push({ value: o.value, label: o.text, cc: o.getAttribute('data-cc') || (group && group.getAttribute('data-cc')) || '', haystack: null });
    }
    var box = document.createElement('div');
    box.className = 'zone-picker';
    var input = document.createElement('input');
    input.type = 'text';
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listId);
    input.setAttribute('autocomplete', 'off');
    ['aria-describedby', 'aria-invalid', 'required'].forEach(function (a) { if (select.hasAttribute(a)) input.setAttribute(a, select.getAttribute(a)); });
    var list = document.createElement('ul');
    list.id = listId;
    list.setAttribute('role', 'listbox');
    if (label) { if (!label.id) label.id = id + '-label'; list.setAttribute('aria-labelledby', label.id); }
    list.hidden = true;
    var status = document.createElement('div');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    // The select keeps its name and value; the label and the error summary's link now lead to the text field.
    select.id = id + '-select';
    input.id = id;
    select.classList.add('visually-hidden');
    select.setAttribute('aria-hidden', 'true');
    select.tabIndex = -1;
    select.parentNode.insertBefore(box, select);
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(status);
    box.appendChild(select);

    var shown = [], active = -1;
    function current() {
      var o = select.options[select.selectedIndex];
      return o ? o.text : '';
    }
    input.value = current();
    function matches(query) {
      var words = fold(query).split(' ').filter(Boolean);
      if (!words.length) return items.slice();
      var first = [], rest = [];
      for (var k = 0; k < items.length; k++) {
        var it = items[k];
        if (it.haystack === null) it.haystack = fold(it.label + ' ' + it.value + ' ' + countryNames(it.cc));
        var all = true;
        for (var w = 0; w < words.length && all; w++) if (it.haystack.indexOf(words[w]) < 0) all = false;
        if (all) (fold(it.label).indexOf(words[0]) === 0 ? first : rest).push(it);
      }
      return first.concat(rest);
    }
    function setActive(n) {
      var nodes = list.children;
      if (active >= 0 && nodes[active]) { nodes[active].classList.remove('active'); nodes[active].setAttribute('aria-selected', 'false'); }
      active = n;
      if (active >= 0 && nodes[active]) {
        nodes[active].classList.add('active');
        nodes[active].setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', nodes[active].id);
        nodes[active].scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    }
    function open(query) {
      shown = matches(query).slice(0, 100);
      list.textContent = '';
      active = -1;
      input.removeAttribute('aria-activedescendant');
      shown.forEach(function (it, k) {
        var li = document.createElement('li');
        li.id = listId + '-' + k;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.textContent = it.label;
        li.addEventListener('mousedown', function (ev) { ev.preventDefault(); });
        li.addEventListener('click', function () { choose(it); });
        list.appendChild(li);
      });
      list.hidden = shown.length === 0;
      input.setAttribute('aria-expanded', shown.length ? 'true' : 'false');
      status.textContent = shown.length ? (select.getAttribute('data-found') || '').replace('{n}', String(shown.length)) : select.getAttribute('data-none') || '';
    }
    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }
    function choose(it) {
      select.value = it.value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      input.value = current();
      close();
    }
    input.addEventListener('input', function () { open(input.value); });
    input.addEventListener('keydown', function (ev) {
      var expanded = input.getAttribute('aria-expanded') === 'true';
      if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        ev.preventDefault();
        if (!expanded) { open(input.value === current() ? '' : input.value); if (ev.altKey) return; }
        if (!shown.length) return;
        var next = ev.key === 'ArrowDown' ? Math.min(active + 1, shown.length - 1) : Math.max(active - 1, 0);
        setActive(next);
      } else if (ev.key === 'Enter') {
        // Enter picks the option in focus; it never sends the form while the list is open.
        if (expanded) { ev.preventDefault(); if (active >= 0) choose(shown[active]); }
      } else if (ev.key === 'Escape') {
        if (expanded) { ev.preventDefault(); close(); }
        else input.value = current();
      }
    });
    input.addEventListener('blur', function () {
      close();
      if (input.value !== current()) input.value = current();
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    localise();
    // Prefill a registration's time zone with the browser's, unless the form came back with errors.
    if (zone && !document.getElementById('form-errors')) {
      var zf = document.querySelectorAll('input[data-browser-zone]');
      for (var k = 0; k < zf.length; k++) if (zf[k].value === zf[k].defaultValue) zf[k].value = zone;
      var zs = document.querySelectorAll('select[data-browser-zone]');
      for (var m = 0; m < zs.length; m++) {
        var chosen = zs[m].options[zs[m].selectedIndex];
        if ((!chosen || chosen.defaultSelected) && zs[m].querySelector('option[value="' + zone.replace(/"/g, '') + '"]')) zs[m].value = zone;
      }
    }
    var pickers = document.querySelectorAll('select[data-zone-picker]');
    for (var z = 0; z < pickers.length; z++) zonePicker(pickers[z]);
    var selects = document.querySelectorAll('select[data-autosubmit]');
    for (var i = 0; i < selects.length; i++) {
      selects[i].addEventListener('change', function (ev) { ev.target.form.submit(); });
    }
    // A file chosen in a CSV field is read into its textarea, so the form posts plain text.
    var files = document.querySelectorAll('input[type=file][data-fills]');
    for (var f = 0; f < files.length; f++) {
      files[f].addEventListener('change', function (ev) {
        var input = ev.target, target = document.getElementById(input.getAttribute('data-fills'));
        if (!input.files || !input.files[0] || !target) return;
        var reader = new FileReader();
        reader.onload = function () { target.value = String(reader.result); };
        reader.readAsText(input.files[0]);
      });
    }
    var forms = document.querySelectorAll('form[data-confirm]');
    for (var j = 0; j < forms.length; j++) {
      forms[j].addEventListener('submit', function (ev) {
        if (!window.confirm(ev.currentTarget.getAttribute('data-confirm'))) ev.preventDefault();
      });
    }
  });
})();
