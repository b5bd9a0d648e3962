/*!
 * Facecast widget loader (docs/widget.md). No framework, no build step.
 *
 *   <script src="https://HOST/embed.js" data-avatar="EMBED_KEY" async></script>
 *     a launcher button; opening it shows the widget in a panel
 *   <script … data-target="#el">      the widget inline in #el instead
 *   <facecast-avatar avatar="EMBED_KEY"></facecast-avatar>   a custom element, inline
 *
 * The widget is an iframe of HOST/embed/EMBED_KEY (allow="microphone; autoplay"). Its events
 * (facecast:ready, facecast:speaking, facecast:transcript, facecast:ended,
 * facecast:reconnecting, facecast:reconnected) reach the page as
 * postMessage from HOST and as bubbling CustomEvents on the element; the page sends
 * facecast:open, facecast:close and facecast:say with window.postMessage (same origin) or
 * calls element.open(), .close(), .say(text).
 */
/* global window, document, location, CustomEvent, HTMLElement */
(function () {
  'use strict';
  var script =
    document.currentScript ||
    document.querySelector('script[src*="/embed.js"][data-avatar]') ||
    document.querySelector('script[src*="/embed.js"]');
  if (!script || !script.src) return;
  var APP = new URL(script.src, location.href).origin;
  var EVENTS = [
    'facecast:ready',
    'facecast:speaking',
    'facecast:transcript',
    'facecast:ended',
    'facecast:reconnecting',
    'facecast:reconnected',
  ];
  var DEFAULTS = {
    launcherLabel: 'Talk to us',
    theme: { mode: 'light', accent: '#4f46e5' },
    position: 'bottom-right',
    avatarName: 'Assistant',
  };
  var widgets = [];

  /** The launcher's look, from the owner's settings; null when this site may not use it. */
  function loadConfig(key) {
    return fetch(APP + '/api/embed/' + encodeURIComponent(key), { credentials: 'omit' }).then(
      function (response) {
        if (response.ok) return response.json();
        // An unknown key still draws: the frame then says the widget is not available.
        if (response.status === 404) return DEFAULTS;
        return null;
      },
      function () {
        console.warn('Facecast: this site (' + location.origin + ') may not show this avatar.');
        return null;
      },
    );
  }

  function frameSrc(key, autostart, visitorToken) {
    var query = '?host=' + encodeURIComponent(location.origin);
    if (autostart) query += '&autostart=1';
    if (visitorToken) query += '&visitor=' + encodeURIComponent(visitorToken);
    return APP + '/embed/' + encodeURIComponent(key) + query;
  }

  function makeFrame(src, title) {
    var frame = document.createElement('iframe');
    frame.src = src;
    frame.title = title;
    frame.setAttribute('allow', 'microphone; autoplay');
    frame.setAttribute('data-facecast-frame', '');
    frame.style.cssText = 'border:0;width:100%;height:100%;display:block;background:transparent';
    return frame;
  }

  function css(element, text) {
    element.style.cssText = text;
    return element;
  }

  /**
   * One widget on the page. `container`: where it renders inline (null: a launcher);
   * `target`: where its CustomEvents are dispatched.
   */
  function Widget(key, options) {
    this.key = key;
    this.container = options.container;
    this.target = options.target;
    this.visitorToken = options.visitorToken;
    this.frame = null;
    this.panel = null;
    this.config = DEFAULTS;
    widgets.push(this);
  }

  Widget.prototype.post = function (message) {
    if (this.frame && this.frame.contentWindow) this.frame.contentWindow.postMessage(message, APP);
  };

  Widget.prototype.mountInline = function () {
    this.frame = makeFrame(frameSrc(this.key, false, this.visitorToken), 'Avatar');
    this.container.appendChild(this.frame);
  };

  Widget.prototype.mountLauncher = function (config) {
    var side = config.position === 'bottom-left' ? 'left' : 'right';
    var root = document.createElement('div');
    root.setAttribute('data-facecast-widget', this.key);
    var button = css(
      document.createElement('button'),
      'position:fixed;bottom:20px;' +
        side +
        ':20px;z-index:2147483000;border:0;border-radius:999px;padding:12px 18px;' +
        'font:600 15px/1.2 system-ui,sans-serif;cursor:pointer;color:#fff;' +
        'box-shadow:0 6px 20px rgba(0,0,0,.25);background:' +
        config.theme.accent,
    );
    button.type = 'button';
    button.textContent = config.launcherLabel;
    button.setAttribute('data-facecast-launcher', '');
    button.setAttribute('aria-expanded', 'false');
    var panel = css(
      document.createElement('div'),
      'position:fixed;bottom:76px;' +
        side +
        ':20px;z-index:2147483000;width:min(380px,calc(100vw - 40px));' +
        'height:min(600px,calc(100vh - 100px));border-radius:14px;overflow:hidden;display:none;' +
        'box-shadow:0 12px 40px rgba(0,0,0,.3);background:' +
        (config.theme.mode === 'dark' ? '#181b22' : '#fff'),
    );
    panel.setAttribute('data-facecast-panel', '');
    button.addEventListener('click', () => {
      if (panel.style.display === 'none') this.open();
      else this.close();
    });
    root.appendChild(panel);
    root.appendChild(button);
    document.body.appendChild(root);
    this.panel = panel;
    this.button = button;
    this.target = this.target || root;
  };

  Widget.prototype.open = function () {
    if (this.panel) {
      this.panel.style.display = 'block';
      this.button.setAttribute('aria-expanded', 'true');
      if (!this.frame) {
        // Made on first open: the visitor's click starts the conversation.
        this.frame = makeFrame(frameSrc(this.key, true, this.visitorToken), this.config.avatarName);
        this.panel.appendChild(this.frame);
        return;
      }
    }
    this.post({ type: 'facecast:open' });
  };

  Widget.prototype.close = function () {
    this.post({ type: 'facecast:close' });
    this.hide();
  };

  Widget.prototype.hide = function () {
    if (!this.panel) return;
    this.panel.style.display = 'none';
    this.button.setAttribute('aria-expanded', 'false');
  };

  Widget.prototype.say = function (text) {
    this.post({ type: 'facecast:say', text: String(text) });
  };

  /** A message from this widget's frame: re-dispatched as a CustomEvent. */
  Widget.prototype.fromFrame = function (data) {
    if (data.type === 'facecast:close-request') return this.hide();
    if (EVENTS.indexOf(data.type) < 0 || !this.target) return;
    var detail = {};
    for (var name in data) if (name !== 'type') detail[name] = data[name];
    this.target.dispatchEvent(
      new CustomEvent(data.type, { detail: detail, bubbles: true, composed: true }),
    );
  };

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data.type !== 'string' || data.type.indexOf('facecast:') !== 0) return;
    var i;
    if (event.origin === APP) {
      for (i = 0; i < widgets.length; i++) {
        if (widgets[i].frame && event.source === widgets[i].frame.contentWindow) {
          widgets[i].fromFrame(data);
        }
      }
      return;
    }
    // Commands from the page itself (window.postMessage(…, location.origin)).
    if (event.source !== window || event.origin !== location.origin) return;
    for (i = 0; i < widgets.length; i++) {
      if (data.avatar && data.avatar !== widgets[i].key) continue;
      if (data.type === 'facecast:open') widgets[i].open();
      else if (data.type === 'facecast:close') widgets[i].close();
      else if (data.type === 'facecast:say') widgets[i].say(data.text);
    }
  });

  function start(widget) {
    return loadConfig(widget.key).then(function (config) {
      if (!config) return;
      widget.config = config;
      if (widget.container) widget.mountInline();
      else widget.mountLauncher(config);
    });
  }

  // <facecast-avatar avatar="EMBED_KEY" visitor-token="…">: inline, events on the element.
  if (window.customElements && !window.customElements.get('facecast-avatar')) {
    window.customElements.define(
      'facecast-avatar',
      class extends HTMLElement {
        connectedCallback() {
          if (this.widget || !this.getAttribute('avatar')) return;
          if (!this.style.display) this.style.display = 'block';
          if (!this.style.height) this.style.height = '560px';
          this.widget = new Widget(this.getAttribute('avatar'), {
            container: this,
            target: this,
            visitorToken: this.getAttribute('visitor-token') || undefined,
          });
          start(this.widget);
        }
        open() {
          if (this.widget) this.widget.open();
        }
        close() {
          if (this.widget) this.widget.close();
        }
        say(text) {
          if (this.widget) this.widget.say(text);
        }
      },
    );
  }

  // The script tag itself.
  var key = script.getAttribute('data-avatar');
  if (!key) return;
  var selector = script.getAttribute('data-target');
  var whenReady = function (run) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
    else run();
  };
  whenReady(function () {
    var container = selector ? document.querySelector(selector) : null;
    if (selector && !container) {
      console.warn('Facecast: data-target ' + selector + ' matches no element.');
      return;
    }
    start(
      new Widget(key, {
        container: container,
        target: container,
        visitorToken: script.getAttribute('data-visitor-token') || undefined,
      }),
    );
  });
})();
