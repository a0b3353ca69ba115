// The playground's code: plain browser JavaScript, no framework, no network but the WebSocket the
// user opens. DATA (channels, messages, examples) and VALIDATORS (precompiled, per channel) are
// written above this by chanx-gen.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  };
  var pretty = function (value) { return JSON.stringify(value, null, 2); };
  var socket = null;
  var connectedChannel = null;

  document.title = DATA.title + ' · playground';
  $('title').textContent = DATA.title + (DATA.version ? ' ' + DATA.version : '');
  $('description').textContent = DATA.description || '';
  $('server').value = (location.protocol === 'https:' ? 'wss://' : 'ws://') + (location.host || 'localhost:8000');

  // The connect form: one option per channel, its path parameters as fields.
  DATA.channels.forEach(function (ch, i) {
    $('channel').appendChild(el('option', { value: String(i), text: ch.key + ' (' + ch.address + ')' }));
  });
  var channel = function () { return DATA.channels[Number($('channel').value)]; };
  var showParams = function () {
    var box = $('params');
    box.textContent = '';
    channel().params.forEach(function (p) {
      var id = 'param-' + p.name;
      box.appendChild(el('label', { for: id, text: p.name + (p.description ? ' (' + p.description + ')' : '') }));
      if (p.enum) {
        var select = el('select', { id: id, 'data-param': p.name });
        p.enum.forEach(function (v) { select.appendChild(el('option', { value: v, text: v })); });
        box.appendChild(select);
      } else box.appendChild(el('input', { id: id, 'data-param': p.name, required: 'required', autocomplete: 'off' }));
    });
  };
  $('channel').addEventListener('change', function () {
    showParams();
    var first = channel().send[0];
    if (first && !socket) $('frame').value = pretty(first.example);
  });

  var address = function () {
    var values = {};
    Array.prototype.forEach.call($('params').querySelectorAll('[data-param]'), function (input) { values[input.getAttribute('data-param')] = input.value; });
    return channel().address.replace(/\{([^}]+)\}/g, function (_, name) { return encodeURIComponent(values[name] || ''); });
  };

  // The frame log.
  var log = function (kind, label, value) {
    var time = new Date().toLocaleTimeString();
    var item = el('li', { class: kind }, [el('div', { class: 'what', text: label + ' · ' + time })]);
    if (value !== undefined) item.appendChild(el('pre', { text: typeof value === 'string' ? value : pretty(value) }));
    $('log').appendChild(item);
    item.scrollIntoView({ block: 'nearest' });
  };
  $('clear').addEventListener('click', function () { $('log').textContent = ''; });

  var setConnected = function (open) {
    $('connect').disabled = open;
    $('disconnect').disabled = !open;
    $('send').disabled = !open;
    $('channel').disabled = open;
  };

  $('connect-form').addEventListener('submit', function (event) {
    event.preventDefault();
    if (socket) return;
    var url;
    try {
      url = new URL(address(), $('server').value).toString();
    } catch (e) {
      $('status').textContent = 'Not a valid server address: ' + $('server').value;
      return;
    }
    var ch = channel();
    $('status').textContent = 'Connecting to ' + url + '…';
    var ws = new WebSocket(url);
    socket = ws;
    ws.addEventListener('open', function () {
      connectedChannel = ch;
      setConnected(true);
      $('status').textContent = 'Connected to ' + url;
      log('info', 'connected to ' + url);
    });
    ws.addEventListener('message', function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { log('received', '← received (not JSON)', String(event.data)); return; }
      var isError = frame !== null && typeof frame === 'object' && frame.action === 'error';
      log(isError ? 'error' : 'received', isError ? '← error frame' : '← received', frame);
    });
    ws.addEventListener('close', function (event) {
      if (socket === ws) socket = null;
      connectedChannel = null;
      setConnected(false);
      $('status').textContent = 'Not connected (closed with ' + event.code + (event.reason ? ' ' + event.reason : '') + ').';
      log('info', 'closed: ' + event.code + (event.reason ? ' ' + event.reason : ''));
    });
  });
  $('disconnect').addEventListener('click', function () { if (socket) socket.close(1000); });

  // Sending: the frame is checked with the channel's precompiled validators first.
  var problemsOf = function (ch, frame) {
    if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) return ['A frame is a JSON object.'];
    var validators = VALIDATORS[ch.key] || {};
    var candidates = ch.send;
    if (ch.sendField !== null) {
      candidates = ch.send.filter(function (m) { return m.tag === frame[ch.sendField]; });
      if (candidates.length === 0) {
        return ["'" + ch.sendField + "' must be one of " + ch.send.map(function (m) { return "'" + m.tag + "'"; }).join(', ') + '.'];
      }
    }
    var failures = [];
    for (var i = 0; i < candidates.length; i++) {
      var validate = validators[candidates[i].validator];
      var copy = JSON.parse(JSON.stringify(frame));
      if (!validate || validate(copy)) return [];
      (validate.errors || []).forEach(function (e) {
        failures.push(candidates[i].key + ': ' + (e.instancePath || '(frame)') + ' ' + e.message + (e.params && e.params.allowedValues ? ' ' + JSON.stringify(e.params.allowedValues) : ''));
      });
    }
    return failures.length > 0 ? failures : ['It matches no message of this channel.'];
  };
  var send = function () {
    if (!socket || socket.readyState !== WebSocket.OPEN) { $('problems').textContent = 'Connect first.'; return; }
    var frame;
    try { frame = JSON.parse($('frame').value); } catch (e) { $('problems').textContent = 'Not JSON: ' + e.message; return; }
    var problems = problemsOf(connectedChannel, frame);
    if (problems.length > 0) { $('problems').textContent = 'Not sent, the document does not allow it:\n' + problems.join('\n'); return; }
    $('problems').textContent = '';
    socket.send(JSON.stringify(frame));
    log('sent', '→ sent', frame);
  };
  $('send').addEventListener('click', send);
  $('frame').addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); send(); }
  });

  // The channels, their parameters and messages, each with an example.
  var messageBlock = function (ch, index, m, canSend) {
    var title = canSend && ch.sendField !== null ? m.tag : m.key;
    var block = el('div', { class: 'message' }, [
      el('h3', { text: title }),
      m.summary ? el('p', { text: m.summary }) : null,
      m.description && m.description !== m.summary ? el('p', { class: 'muted', text: m.description }) : null,
      el('pre', { text: pretty(m.example) }),
    ]);
    if (canSend) {
      var use = el('button', { type: 'button', 'aria-label': 'Use ' + title + ' of ' + ch.key + ' in the send box', text: 'Use this message' });
      use.addEventListener('click', function () {
        if (!socket) { $('channel').value = String(index); showParams(); }
        $('frame').value = pretty(m.example);
        $('problems').textContent = socket && connectedChannel !== ch ? 'Connected to ' + connectedChannel.key + ', not ' + ch.key + '.' : '';
        $('frame').focus();
      });
      block.appendChild(use);
    }
    return block;
  };
  DATA.channels.forEach(function (ch, index) {
    var section = el('section', { class: 'channel', 'aria-label': 'channel ' + ch.key }, [
      el('h2', { text: ch.key }),
      el('p', {}, [el('code', { text: ch.address })]),
      ch.description ? el('p', { text: ch.description }) : null,
    ]);
    if (ch.params.length > 0) {
      var list = el('ul');
      ch.params.forEach(function (p) { list.appendChild(el('li', { text: p.name + (p.enum ? ': one of ' + p.enum.join(', ') : '') + (p.description ? ' (' + p.description + ')' : '') })); });
      section.appendChild(el('h3', { text: 'Path parameters' }));
      section.appendChild(list);
    }
    section.appendChild(el('h3', { text: ch.send.length > 0 ? 'Messages you can send' : 'This channel takes no messages' }));
    ch.send.forEach(function (m) { section.appendChild(messageBlock(ch, index, m, true)); });
    if (ch.receive.length > 0) {
      section.appendChild(el('h3', { text: 'Messages the server sends' }));
      ch.receive.forEach(function (m) { section.appendChild(messageBlock(ch, index, m, false)); });
    }
    $('channels').appendChild(section);
  });

  showParams();
  if (DATA.channels.length > 0 && DATA.channels[0].send[0]) $('frame').value = pretty(DATA.channels[0].send[0].example);
})();
