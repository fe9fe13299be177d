/** The portal family of this connector (`gst` | `itr` | `esign`). */
export const CONNECTOR_PORTAL = Symbol('CONNECTOR_PORTAL');
/** The connector's ConnectorSettings. */
export const CONNECTOR_SETTINGS = Symbol('CONNECTOR_SETTINGS');
/** A pino logger for the connector's components. */
export const CONNECTOR_LOGGER = Symbol('CONNECTOR_LOGGER');
