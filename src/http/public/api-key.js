// The API key the campaign and flow pages send to the service: taken once from
// the URL fragment into this tab's session storage, asked for with the page's
// key form, forgotten on a 401 or on "Forget API key", and sent as a Bearer
// token by request(). Loaded before the page's own script, which calls
// CallhookApiKey.start. The page provides #key-section holding #key-form,
// #api-key and #key-error, and a #forget button.
'use strict';

window.CallhookApiKey = (function () {
  const STORAGE = 'callhook.apiKey';
  const $ = (id) => document.getElementById(id);
  // The page's own hiding of what it shows; set by start().
  let onAsk = function () {};

  /** A refusal from the API, with the service's error code (or http_<status> from a proxy). */
  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  /** A key may arrive once in the fragment (#key=…, never sent to a server); it moves to session storage and leaves the address bar. */
  function takeKeyFromFragment() {
    const key = new URLSearchParams(location.hash.slice(1)).get('key');
    if (key) {
      sessionStorage.setItem(STORAGE, key);
      history.replaceState(null, '', location.pathname + location.search);
    }
  }

  /** Shows the key form, saying why when the key was refused; the page first hides what it showed. */
  function ask(error) {
    onAsk();
    $('key-section').hidden = false;
    $('key-error').textContent = error || '';
    $('key-error').hidden = !error;
    $('api-key').setAttribute('aria-invalid', error ? 'true' : 'false');
    $('api-key').focus();
  }

  function forget() {
    sessionStorage.removeItem(STORAGE);
  }

  /**
   * Fetches url with the key (options.method, default GET; options.accept,
   * default JSON) and answers the JSON, or a Blob for text/csv. Throws an
   * ApiError for a refusal; a 401 also forgets the key and asks for another.
   */
  async function request(url, options) {
    const accept = (options && options.accept) || 'application/json';
    const res = await fetch(url, {
      method: (options && options.method) || 'GET',
      headers: { authorization: 'Bearer ' + sessionStorage.getItem(STORAGE), accept },
      cache: 'no-store',
    });
    if (!res.ok) {
      let body = {};
      try {
        body = await res.json();
      } catch (err) {
        // not ours (a proxy): the status says enough
      }
      const error = (body && body.error) || {};
      const refusal = new ApiError(res.status, error.code || 'http_' + res.status, error.message || 'HTTP ' + res.status);
      if (res.status === 401) {
        forget();
        ask('The API key was refused (' + refusal.code + ').');
      }
      throw refusal;
    }
    return accept === 'text/csv' ? res.blob() : res.json();
  }

  /**
   * Wires the key form and the forget button, then calls page.onKey() once a
   * key is there (from the fragment, this tab's storage or the form) and
   * page.onAsk() whenever the form is about to be shown.
   */
  function start(page) {
    onAsk = page.onAsk;
    takeKeyFromFragment();
    $('key-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const key = $('api-key').value.trim();
      if (!key) return;
      sessionStorage.setItem(STORAGE, key);
      $('api-key').value = '';
      $('key-section').hidden = true;
      page.onKey();
    });
    $('forget').addEventListener('click', () => {
      forget();
      ask();
    });
    if (sessionStorage.getItem(STORAGE)) page.onKey();
    else ask();
  }

  return { start, request, ApiError };
})();
