// Names on the printed batch, joined in the school's browser only (issue 14 §2).
// The head picks the «протокол соответствия кодов и ФИО» (CSV, or XLSX whose first sheet has
// the columns «Код участника» and «ФИО»); this script reads it with FileReader, finds the
// columns and writes each name into its sheet's `.sheet-name[data-code]`. Nothing is sent: the
// file input has no form and no name, and the script makes no request. Reloading the page
// forgets the names.
// Hand-written (no package serves a browser script here): a small ZIP reader over the browser's
// own DecompressionStream('deflate-raw') and DOMParser for the XLSX's XML.
(function () {
  'use strict';
  var input = document.getElementById('names-file');
  var status = document.getElementById('names-status');
  var clear = document.getElementById('names-clear');
  if (!input) return;

  function say(text, bad) {
    status.textContent = text;
    status.className = bad ? 'hint error-text' : 'hint';
  }

  function norm(s) {
    return String(s == null ? '' : s).replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim().toLowerCase().replace(/ё/g, 'е');
  }

  function decodeText(buf) {
    var bytes = new Uint8Array(buf);
    try { return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\ufeff/, ''); }
    catch (e) { return new TextDecoder('windows-1251').decode(bytes); }
  }

  // CSV with ; , or tab (whichever the first line has most of), quotes doubled inside quotes.
  function parseCSV(text) {
    var first = text.split(/\r?\n/, 1)[0] || '';
    var seps = [';', ',', '\t'];
    var sep = seps.reduce(function (best, s) { return first.split(s).length > first.split(best).length ? s : best; }, ';');
    var rows = [], row = [], cell = '', quoted = false;
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      if (quoted) {
        if (ch === '"') { if (text[i + 1] === '"') { cell += '"'; i++; } else quoted = false; }
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === sep) { row.push(cell); cell = ''; }
      else if (ch === '\n' || ch === '\r') {
        if (ch === '\r' && text[i + 1] === '\n') i++;
        row.push(cell); rows.push(row); row = []; cell = '';
      } else cell += ch;
    }
    if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
    return rows;
  }

  // The entries of a ZIP archive by name → a function giving their bytes.
  function unzip(buf) {
    var v = new DataView(buf), u8 = new Uint8Array(buf);
    var end = -1;
    for (var i = buf.byteLength - 22; i >= Math.max(0, buf.byteLength - 65557); i--) {
      if (v.getUint32(i, true) === 0x06054b50) { end = i; break; }
    }
    if (end < 0) throw new Error('файл не является книгой XLSX (не ZIP-архив)');
    var count = v.getUint16(end + 10, true), p = v.getUint32(end + 16, true);
    var entries = {};
    var utf8 = new TextDecoder('utf-8');
    for (var k = 0; k < count; k++) {
      if (v.getUint32(p, true) !== 0x02014b50) throw new Error('повреждённый архив XLSX');
      var method = v.getUint16(p + 10, true), size = v.getUint32(p + 20, true);
      var nameLen = v.getUint16(p + 28, true), extra = v.getUint16(p + 30, true), comment = v.getUint16(p + 32, true);
      var local = v.getUint32(p + 42, true);
      var name = utf8.decode(u8.subarray(p + 46, p + 46 + nameLen));
      entries[name] = { method: method, size: size, local: local };
      p += 46 + nameLen + extra + comment;
    }
    return function (name) {
      var e = entries[name];
      if (!e) return Promise.resolve(null);
      var start = e.local + 30 + v.getUint16(e.local + 26, true) + v.getUint16(e.local + 28, true);
      var data = u8.subarray(start, start + e.size);
      if (e.method === 0) return Promise.resolve(utf8.decode(data));
      if (e.method !== 8) return Promise.reject(new Error('неизвестное сжатие в архиве XLSX'));
      var stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
      return new Response(stream).text();
    };
  }

  function xml(text) { return new DOMParser().parseFromString(text, 'application/xml'); }
  function tags(node, name) { return Array.prototype.slice.call(node.getElementsByTagNameNS('*', name)); }
  function colIndex(ref) {
    var m = /^([A-Z]+)/.exec(ref || ''), n = 0;
    if (!m) return -1;
    for (var i = 0; i < m[1].length; i++) n = n * 26 + (m[1].charCodeAt(i) - 64);
    return n - 1;
  }

  // The first sheet of a workbook as rows of strings.
  function parseXLSX(buf) {
    var read = unzip(buf);
    return Promise.all([read('xl/workbook.xml'), read('xl/_rels/workbook.xml.rels'), read('xl/sharedStrings.xml')]).then(function (parts) {
      if (!parts[0] || !parts[1]) throw new Error('в книге нет листов');
      var sheet = tags(xml(parts[0]), 'sheet')[0];
      if (!sheet) throw new Error('в книге нет листов');
      var rid = sheet.getAttributeNS('http://schemas.openxmlformats.org/officeDocument/2006/relationships', 'id') || sheet.getAttribute('r:id');
      var target = tags(xml(parts[1]), 'Relationship').filter(function (r) { return r.getAttribute('Id') === rid; })[0];
      if (!target) throw new Error('не найден первый лист книги');
      var path = target.getAttribute('Target').replace(/^\//, '');
      if (path.indexOf('xl/') !== 0) path = 'xl/' + path;
      var shared = parts[2] ? tags(xml(parts[2]), 'si').map(function (si) {
        return tags(si, 't').filter(function (t) { return t.parentNode.localName !== 'rPh'; }).map(function (t) { return t.textContent; }).join('');
      }) : [];
      return read(path).then(function (text) {
        if (!text) throw new Error('не найден первый лист книги');
        return tags(xml(text), 'row').map(function (row) {
          var out = [], next = 0;
          tags(row, 'c').forEach(function (c) {
            var at = colIndex(c.getAttribute('r'));
            if (at < 0) at = next;
            next = at + 1;
            var t = c.getAttribute('t'), val = tags(c, 'v')[0], value = '';
            if (t === 's') value = val ? (shared[parseInt(val.textContent, 10)] || '') : '';
            else if (t === 'inlineStr') value = tags(c, 't').map(function (x) { return x.textContent; }).join('');
            else value = val ? val.textContent : '';
            out[at] = value;
          });
          for (var i = 0; i < out.length; i++) if (out[i] === undefined) out[i] = '';
          return out;
        });
      });
    });
  }

  // code → name from the rows: the header is the first row (of the first 20) naming both columns.
  function protocol(rows) {
    for (var r = 0; r < Math.min(rows.length, 20); r++) {
      var heads = rows[r].map(norm);
      var code = heads.findIndex(function (h) { return h === 'код участника' || h === 'код'; });
      var name = heads.findIndex(function (h) { return h === 'фио' || h === 'ф.и.о.' || h.indexOf('фамилия') === 0; });
      if (code >= 0 && name >= 0) {
        var map = {};
        rows.slice(r + 1).forEach(function (row) {
          var c = String(row[code] || '').trim(), n = String(row[name] || '').replace(/\s+/g, ' ').trim();
          if (c && n) map[c] = n;
        });
        return map;
      }
    }
    throw new Error('не найдены столбцы «Код участника» и «ФИО» в первых 20 строках');
  }

  // A code as the protocol writes it: exactly, or as the same number (a spreadsheet drops «0101»'s zero).
  function lookup(map, code) {
    if (map[code] !== undefined) return map[code];
    if (/^\d+$/.test(code)) {
      var n = String(parseInt(code, 10));
      for (var k in map) if (/^\d+(\.0+)?$/.test(k) && String(parseInt(k, 10)) === n) return map[k];
    }
    return undefined;
  }

  function apply(map, fileName) {
    var slots = Array.prototype.slice.call(document.querySelectorAll('.sheet-name[data-code]'));
    var missing = [];
    slots.forEach(function (el) {
      var name = lookup(map, el.getAttribute('data-code'));
      if (name) { el.textContent = 'ФИО: ' + name; el.hidden = false; }
      else { el.textContent = ''; el.hidden = true; missing.push(el.getAttribute('data-code')); }
    });
    var found = slots.length - missing.length;
    say('ФИО из файла «' + fileName + '» подставлены на ' + found + ' из ' + slots.length + ' листов (только в этом окне; в msoko не отправлены).' +
        (missing.length ? ' Нет в протоколе: ' + missing.join(', ') + '.' : ''), found === 0);
    clear.hidden = false;
  }

  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onerror = function () { say('Файл «' + file.name + '» не прочитан.', true); };
    reader.onload = function () {
      var buf = reader.result;
      var head = new Uint8Array(buf, 0, Math.min(2, buf.byteLength));
      var isZip = head[0] === 0x50 && head[1] === 0x4b;
      var rows = isZip ? parseXLSX(buf) : Promise.resolve(parseCSV(decodeText(buf)));
      rows.then(function (r) { apply(protocol(r), file.name); })
        .catch(function (e) { say('Файл «' + file.name + '»: ' + e.message + '. ФИО не подставлены.', true); });
    };
    reader.readAsArrayBuffer(file);
  });

  clear.addEventListener('click', function () {
    document.querySelectorAll('.sheet-name[data-code]').forEach(function (el) { el.textContent = ''; el.hidden = true; });
    input.value = '';
    clear.hidden = true;
    say('ФИО убраны. Без протокола на листах только коды.', false);
  });
})();
