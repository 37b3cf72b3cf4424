FROM node:20 AS base-builder
ONBUILD COPY package.json /app/
ONBUILD RUN npm install
ONBUILD COPY --from=assets /assets /app/assets
ONBUILD RUN --mount=type=cache,target=/root/.npm npm run build

FROM base-builder AS app
CMD ["npm", "start"]
