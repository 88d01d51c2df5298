/** The reference to a shared rule in `$evaluators`: `{ "$ref": "name" }`. @internal */
export const REF_KEY = '$ref';
