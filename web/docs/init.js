// In a file of its own: the Content-Security-Policy allows no inline script.
/* global window, SwaggerUIBundle, SwaggerUIStandalonePreset -- globals of swagger-ui-dist's bundles, loaded before this file */
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
});
