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

  document.addEventListener('DOMContentLoaded', function () {
    localise();
    // Prefill a registration's time zone with the browser's, unless the form came back with errors.
    if (zone && !document.getElementById('form-errors')) {
      var zf = document.querySelectorAll('input[data-browser-zone]');
      for (var k = 0; k < zf.length; k++) if (zf[k].value === zf[k].defaultValue) zf[k].value = zone;
    }
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
