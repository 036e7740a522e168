// The public "Scrivi" form: categories follow the chosen service, and the form is sent as JSON so
// errors appear beside their fields without reloading. Without this script the form posts normally.
(function () {
  'use strict';
  var form = document.getElementById('scrivi-form');
  if (!form) return;
  var service = document.getElementById('f-service');
  var category = document.getElementById('f-category');
  var result = document.getElementById('scrivi-result');
  var LABELS = { service: 'Servizio', category: 'Argomento', type: 'Tipo di messaggio', name: 'Nome', surname: 'Cognome', email: 'Email', message: 'Messaggio', consent: 'Consenso al trattamento dei dati' };

  function syncCategories() {
    var groups = category.querySelectorAll('optgroup');
    for (var i = 0; i < groups.length; i++) {
      var mine = groups[i].getAttribute('data-service') === service.value;
      groups[i].hidden = !mine;
      groups[i].disabled = !mine;
    }
    var chosen = category.options[category.selectedIndex];
    if (chosen && chosen.parentNode.tagName === 'OPTGROUP' && chosen.parentNode.disabled) category.value = '';
  }
  service.addEventListener('change', syncCategories);
  syncCategories();

  function fieldElement(name) {
    return document.getElementById(name === 'type' ? 'f-type-request' : 'f-' + name);
  }

  function clearErrors() {
    var shown = form.querySelectorAll('.error');
    for (var i = 0; i < shown.length; i++) {
      shown[i].hidden = true;
      shown[i].textContent = '';
    }
    var invalid = form.querySelectorAll('[aria-invalid]');
    for (var j = 0; j < invalid.length; j++) invalid[j].removeAttribute('aria-invalid');
    var old = document.getElementById('summary');
    if (old) old.parentNode.removeChild(old);
  }

  function describe(el, id) {
    var ids = (el.getAttribute('aria-describedby') || '').split(' ').filter(function (x) { return x && x !== id; });
    ids.push(id);
    el.setAttribute('aria-describedby', ids.join(' '));
  }

  function showSummary(title, text, errors) {
    var box = document.createElement('div');
    box.className = 'notice bad';
    box.id = 'summary';
    box.setAttribute('role', 'alert');
    box.tabIndex = -1;
    var h = document.createElement('h2');
    h.textContent = title;
    box.appendChild(h);
    var p = document.createElement('p');
    p.textContent = text;
    box.appendChild(p);
    if (errors && errors.length) {
      var ul = document.createElement('ul');
      errors.forEach(function (e) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = '#f-' + e.field;
        a.textContent = (LABELS[e.field] || e.field) + ': ' + e.message;
        li.appendChild(a);
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    form.parentNode.insertBefore(box, form);
    box.focus();
  }

  function showErrors(errors) {
    errors.forEach(function (e) {
      var line = document.getElementById('e-' + e.field);
      var el = fieldElement(e.field);
      if (line) {
        line.textContent = e.message;
        line.hidden = false;
      }
      if (el && e.field !== 'type') {
        el.setAttribute('aria-invalid', 'true');
        describe(el, 'e-' + e.field);
      } else if (e.field === 'type') {
        describe(document.getElementById('f-type'), 'e-type');
      }
    });
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors();
    var data = {};
    var fd = new FormData(form);
    fd.forEach(function (value, key) { data[key] = String(value); });
    data.consent = document.getElementById('f-consent').checked;
    if (!data.category) delete data.category;
    if (!data.website) delete data.website;
    var button = form.querySelector('button[type=submit]');
    button.disabled = true;
    fetch('/scrivi', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(data) })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (body) { return { res: res, body: body }; });
      })
      .then(function (r) {
        button.disabled = false;
        if (r.res.status === 201) {
          form.hidden = true;
          var box = document.createElement('div');
          box.className = 'notice ok';
          box.setAttribute('role', 'status');
          box.tabIndex = -1;
          var h = document.createElement('h2');
          h.textContent = r.body.kind === 'complaint' ? 'Il suo reclamo è stato registrato' : 'La sua richiesta è stata registrata';
          var p = document.createElement('p');
          p.appendChild(document.createTextNode('Riferimento: '));
          var ref = document.createElement('span');
          ref.className = 'reference';
          ref.id = 'reference';
          ref.textContent = r.body.reference;
          p.appendChild(ref);
          var p2 = document.createElement('p');
          p2.textContent = 'Le abbiamo inviato una email di conferma con questo riferimento.';
          box.appendChild(h);
          box.appendChild(p);
          box.appendChild(p2);
          result.appendChild(box);
          box.focus();
          return;
        }
        if (r.res.status === 429) return showSummary('Troppi messaggi', r.body.detail || 'Sono stati inviati troppi messaggi. Riprovi più tardi.');
        var errors = r.body.errors || [];
        showErrors(errors);
        showSummary('Il messaggio non è stato inviato', r.body.detail || 'Controlli i campi indicati.', errors);
      })
      .catch(function () {
        button.disabled = false;
        showSummary('Il messaggio non è stato inviato', 'Non è stato possibile contattare il servizio. Riprovi tra qualche minuto.');
      });
  });
})();
